package io.switchboard.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until the test moves it, for code that takes a clock: time passes only through
 * {@link #advance(Duration)} and {@link #set(Instant)}. Safe to read and move from several threads. It starts at
 * {@link #DEFAULT_START} in UTC unless told otherwise.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * FloodLimiter limiter = new FloodLimiter(10, Duration.ofSeconds(1), clock);
 * ...
 * clock.advance(Duration.ofMillis(510));   // the window moves on, and nothing sleeps
 * }</pre>
 *
 * <p>{@link #withZone(ZoneId)} gives a view in another zone that shares this clock's time: moving either moves both.
 */
public final class ManualClock extends Clock {
  /** Where a clock made by {@link #ManualClock()} starts: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  /** A clock at {@link #DEFAULT_START}, in UTC. */
  public ManualClock() {
    this(DEFAULT_START);
  }

  /** A clock at {@code start}, in UTC. */
  public ManualClock(Instant start) {
    this(start, ZoneOffset.UTC);
  }

  /** A clock at {@code start}, in {@code zone}. */
  public ManualClock(Instant start, ZoneId zone) {
    this(new AtomicReference<>(Objects.requireNonNull(start, "start")), zone);
  }

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /**
   * Moves the clock forward by {@code step} and returns the new time; zero is allowed, going back is not (use
   * {@link #set}).
   */
  public Instant advance(Duration step) {
    Objects.requireNonNull(step, "step");
    if (step.isNegative()) {
      throw new IllegalArgumentException("a clock advances by a positive step, not " + step + "; use set()");
    }
    return now.updateAndGet(t -> t.plus(step));
  }

  /** Sets the clock to {@code instant}, forward or back. */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public long millis() {
    return now.get().toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** The same clock seen in {@code zone}: it shares this one's time, so moving either moves both. */
  @Override
  public ManualClock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    return zone.equals(this.zone) ? this : new ManualClock(now, zone);
  }

  /** Equal when both share one time (this clock and its {@link #withZone} views) and have the same zone. */
  @Override
  public boolean equals(Object o) {
    return o instanceof ManualClock c && c.now == now && c.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(now) * 31 + zone.hashCode();
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "," + zone + "]";
  }
}
