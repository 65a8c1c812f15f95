package io.switchboard.server;

/**
 * A namespace middleware: runs for each socket before it joins the namespace and may refuse it.
 *
 * <pre>{@code
 * io.of("/admin").use((socket, next) -> {
 *   if ("secret".equals(socket.handshake().auth().get("token"))) next.proceed();
 *   else next.fail(new ConnectError("forbidden"));
 * });
 * }</pre>
 *
 * <p>Runs on the handler executor and may block. A thrown exception counts as {@code next.fail(e)}.
 */
@FunctionalInterface
public interface Middleware {
  void handle(Socket socket, Next next) throws Exception;
}
