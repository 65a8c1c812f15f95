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
  /** Runs the next middleware, or the connection (or event) itself after the last one. */
  void proceed();

  /** Stops the chain: a namespace middleware refuses the connection (CONNECT_ERROR), an event middleware drops the
   * event and reports the error to {@link Socket#onError}. */
  void fail(Throwable error);
}
