package io.switchboard.chat.flood;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits how many messages one user sends in a sliding window (10 a second for the chat), across all their tabs.
 *
 * <pre>{@code
 * FloodLimiter limiter = new FloodLimiter(10, Duration.ofSeconds(1), Clock.systemUTC());
 * if (!limiter.tryAcquire("alice")) ack.send(error("Too many messages: at most 10 a second"));
 * }</pre>
 */
public final class FloodLimiter implements FloodGate {
  private final int limit;
  private final long windowMillis;
  private final Clock clock;
  private final ConcurrentHashMap<String, Deque<Long>> sent = new ConcurrentHashMap<>();

  public FloodLimiter(int limit, Duration window, Clock clock) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    this.limit = limit;
    this.windowMillis = window.toMillis();
    this.clock = clock;
  }

  /** The length of the sliding window in milliseconds. */
  public long windowMillis() {
    return windowMillis;
  }

  /** The most messages allowed per window. */
  @Override
  public int limit() {
    return limit;
  }

  /** Counts one message of {@code user} and returns true, or returns false (counting nothing) if over the limit. */
  @Override
  public boolean tryAcquire(String user) {
    long now = clock.millis();
    boolean[] allowed = new boolean[1];
    sent.compute(user, (k, times) -> {
      Deque<Long> q = times == null ? new ArrayDeque<>() : times;
      while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) {
        q.pollFirst();
      }
      if (q.size() < limit) {
        q.addLast(now);
        allowed[0] = true;
      }
      return q;
    });
    return allowed[0];
  }
}
