package io.switchboard.chat.flood;

/**
 * Decides whether a user may send one more message now: at most {@link #limit()} a second, across all their tabs
 * (and, with Redis, across the nodes of a cluster).
 *
 * <pre>{@code
 * FloodGate flood = new FloodLimiter(10, Duration.ofSeconds(1), Clock.systemUTC());
 * if (!flood.tryAcquire("alice")) throw new ChatException("Too many messages: at most " + flood.limit() + " a second");
 * }</pre>
 */
public interface FloodGate {
  /** Counts one message of {@code user} and returns true, or returns false (counting nothing) if over the limit. */
  boolean tryAcquire(String user);

  /** The most messages allowed per second. */
  int limit();
}
