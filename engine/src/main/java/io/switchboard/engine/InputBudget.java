package io.switchboard.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A server-wide allowance of input bytes held in memory while they wait to be complete: polling bodies being read,
 * WebSocket messages being assembled from frames, binary attachments waiting for the rest of their packet. Whoever
 * holds such bytes reserves them first and releases them when the message is complete or dropped; a reservation that
 * would pass the limit is refused, and the caller refuses the work (HTTP 503, close 1013) before the heap is at risk.
 *
 * <pre>{@code
 * InputBudget budget = engine.inputBudget();
 * if (!budget.tryReserve(frameLength)) {
 *   closeWith(1013, "try again later");       // the server as a whole holds too much unfinished input
 *   return;
 * }
 * ...                                          // assemble the message
 * budget.release(frameLength);                 // complete, or dropped
 * }</pre>
 *
 * <p>Thread-safe and lock-free.
 */
public final class InputBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final LongAdder refusals = new LongAdder();

  /**
   * A budget of {@code limit} bytes, none reserved yet.
   *
   * @param limit the most bytes reserved at once; {@link Long#MAX_VALUE} for no limit
   * @throws IllegalArgumentException if {@code limit} is not positive
   */
  public InputBudget(long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
  }

  /**
   * Reserves {@code bytes} if the total stays within the limit; counts a refusal otherwise.
   *
   * @param bytes how many bytes to reserve; 0 always succeeds
   * @return whether the bytes were reserved; if so, the caller must {@link #release(long)} them later
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public boolean tryReserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative: " + bytes);
    }
    while (true) {
      long now = used.get();
      long next = now + bytes;
      if (next > limit || next < 0) {
        refusals.increment();
        return false;
      }
      if (used.compareAndSet(now, next)) {
        return true;
      }
    }
  }

  /**
   * Gives back bytes reserved earlier. Giving back more than was reserved corrupts the budget: release exactly what
   * {@link #tryReserve(long)} granted.
   *
   * @param bytes how many bytes to give back; 0 or less does nothing
   */
  public void release(long bytes) {
    if (bytes > 0) {
      used.addAndGet(-bytes);
    }
  }

  /** {@return the bytes reserved now} */
  public long used() {
    return used.get();
  }

  /** {@return the most bytes that may be reserved at once} */
  public long limit() {
    return limit;
  }

  /** {@return how many reservations were refused since the start} */
  public long refusals() {
    return refusals.sum();
  }

  @Override
  public String toString() {
    return "InputBudget{used=" + used() + ", limit=" + limit + ", refusals=" + refusals() + "}";
  }
}
