package io.switchboard.spring;

import io.switchboard.server.Server;

/**
 * Works on the auto-configured {@link Server} before it listens: middlewares of other namespaces, dynamic
 * namespaces, server-side events. Beans of this type run in {@code @Order}, before the {@link SocketController}s are
 * bound.
 *
 * <pre>{@code
 * @Bean
 * SwitchboardServerCustomizer adminOnly(TokenService tokens) {
 *   return io -> io.of("/admin").use((socket, next) -> {
 *     if (tokens.isAdmin(socket.handshake().auth().get("token"))) next.proceed();
 *     else next.fail(new ConnectError("forbidden"));
 *   });
 * }
 * }</pre>
 */
@FunctionalInterface
public interface SwitchboardServerCustomizer {
  /**
   * Works on the server once, on the thread that starts the context, before it listens.
   *
   * @param server the auto-configured server
   */
  void customize(Server server);
}
