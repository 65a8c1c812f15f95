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
 * <p>Runs in the client's order, where {@link HandlerDispatch} says: if it may block (a database look-up), declare its
 * namespace with {@link Namespace#blocking()}. A thrown exception counts as {@code next.fail(e)}.
 */
@FunctionalInterface
public interface Middleware {
  /**
   * Runs for one socket before it connects (the reference's {@code io.use((socket, next) => ...)}); the socket joins
   * the namespace only once {@code next.proceed()} has been called by every middleware.
   *
   * @param socket the socket, not yet connected: its handshake and data may be read and set, handlers added
   * @param next   the continuation: call {@link Next#proceed()} or {@link Next#fail(Throwable)} exactly once
   * @throws Exception anything: it counts as {@code next.fail(e)}
   */
  void handle(Socket socket, Next next) throws Exception;
}
