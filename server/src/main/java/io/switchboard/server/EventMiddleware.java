package io.switchboard.server;

/**
 * A per-socket event middleware: runs for each incoming event before the handlers, and may drop it.
 *
 * <pre>{@code
 * socket.use((event, args, next) -> {
 *   if (rateLimiter.tryAcquire()) next.proceed();
 *   else next.fail(new IllegalStateException("slow down"));   // reaches socket.onError(...)
 * });
 * }</pre>
 */
@FunctionalInterface
public interface EventMiddleware {
  /**
   * Runs for one incoming event, in the client's order (where: {@link HandlerDispatch}); the event reaches the next
   * middleware, then the handlers, only once {@code next.proceed()} is called (now or later, from any thread).
   *
   * @param event the event name
   * @param args  its arguments
   * @param next  the continuation: call {@link Next#proceed()} or {@link Next#fail(Throwable)} exactly once
   * @throws Exception anything: it counts as {@code next.fail(e)}
   */
  void handle(String event, Args args, Next next) throws Exception;
}
