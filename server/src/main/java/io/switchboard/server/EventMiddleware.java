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
  void handle(String event, Args args, Next next) throws Exception;
}
