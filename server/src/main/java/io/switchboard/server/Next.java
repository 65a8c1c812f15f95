package io.switchboard.server;

/**
 * The continuation given to a middleware: call exactly one of its methods, now or later, from any thread.
 *
 * <pre>{@code
 * io.use((socket, next) -> tokens.verifyAsync(socket.handshake().auth().get("token"))
 *     .whenComplete((user, err) -> { if (err != null) next.fail(err); else next.proceed(); }));
 * }</pre>
 */
public interface Next {
  /**
   * Runs the next middleware, or the connection (or event) itself after the last one. Ignored after the first call
   * to either method.
   */
  void proceed();

  /**
   * Stops the chain: a namespace middleware refuses the connection (CONNECT_ERROR), an event middleware drops the
   * event and reports the error to {@link Socket#onError}. Ignored after the first call to either method.
   *
   * @param error why: for a namespace middleware, the client receives its message (and the data of a
   *     {@link ConnectError}); {@code null} counts as {@code new ConnectError("error")}
   */
  void fail(Throwable error);
}
