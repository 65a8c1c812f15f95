package io.switchboard.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits, with a deadline, for something that has no event to wait on: checks a condition at once, then again
 * 1, 2, 4, 8, 16, 32 and from then on 50 ms after the previous check began (at once if that check took longer),
 * one last time at the deadline, and then fails with an {@link AssertionError} that names what was awaited and how
 * long it waited. Only the JDK is needed.
 *
 * <pre>{@code
 * Await.until("the session is upgraded", Duration.ofSeconds(10), () -> socket.transport() == Transport.WEBSOCKET);
 * EngineSocket s = Await.value("the session " + sid, Duration.ofSeconds(10), () -> engine.socket(sid));
 * Await.untilAsserted(Duration.ofSeconds(10), () -> assertThat(store.messages("general")).hasSize(3));
 * }</pre>
 *
 * <p>An exception other than the timeout one (from the condition, or anything but an {@link AssertionError} from an
 * assertion block) ends the wait at once and reaches the caller unchanged (checked ones wrapped in an
 * {@link IllegalStateException}). An interrupt ends the wait with an {@link AssertionError} and keeps the thread's
 * interrupt flag set. For a queue of events, block on the queue instead: a poll cannot beat a wake-up.
 */
public final class Await {
  /** The first interval between the starts of two checks; each one doubles up to {@link #MAX_PAUSE}. */
  public static final Duration FIRST_PAUSE = Duration.ofMillis(1);
  /** The longest interval between the starts of two checks. */
  public static final Duration MAX_PAUSE = Duration.ofMillis(50);

  private static final long FIRST_PAUSE_NANOS = FIRST_PAUSE.toNanos();
  private static final long MAX_PAUSE_NANOS = MAX_PAUSE.toNanos();

  /** An assertion block for {@link #untilAsserted(Duration, ThrowingRunnable)}, which may throw anything. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    /** Runs the assertions; an {@link AssertionError} means "not yet". */
    void run() throws Exception;
  }

  private Await() {}

  /** Waits until {@code condition} is true; fails after {@code timeout}. */
  public static void until(Duration timeout, BooleanSupplier condition) {
    until(() -> "condition", timeout, condition);
  }

  /** Waits until {@code condition} is true; fails after {@code timeout} with {@code description} in the message. */
  public static void until(String description, Duration timeout, BooleanSupplier condition) {
    Objects.requireNonNull(description, "description");
    until(() -> description, timeout, condition);
  }

  /**
   * Waits until {@code condition} is true; fails after {@code timeout} with a message that {@code description}
   * builds only then, so it can say what was seen instead.
   */
  public static void until(Supplier<String> description, Duration timeout, BooleanSupplier condition) {
    Objects.requireNonNull(condition, "condition");
    value(description, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /** Waits until {@code value} gives something other than null, and returns it; fails after {@code timeout}. */
  public static <T> T value(Duration timeout, Supplier<T> value) {
    return value(() -> "a value", timeout, value);
  }

  /**
   * Waits until {@code value} gives something other than null, and returns it; fails after {@code timeout} with
   * {@code description} in the message.
   */
  public static <T> T value(String description, Duration timeout, Supplier<T> value) {
    Objects.requireNonNull(description, "description");
    return value(() -> description, timeout, value);
  }

  /**
   * Waits until {@code value} gives something other than null, and returns it; fails after {@code timeout} with a
   * message that {@code description} builds only then.
   */
  public static <T> T value(Supplier<String> description, Duration timeout, Supplier<T> value) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(value, "value");
    long start = System.nanoTime();
    long deadline = start + checkTimeout(timeout);
    long pause = FIRST_PAUSE_NANOS;
    int checks = 0;
    while (true) {
      long checked = System.nanoTime();
      T v = value.get();
      checks++;
      if (v != null) {
        return v;
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        throw new AssertionError(description.get() + ": not within " + timeout + " (gave up after "
            + elapsed(start) + ", " + checks + " checks)");
      }
      pause(description, start, Math.min(checked + pause, deadline) - now);
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }

  /**
   * Waits until {@code value} gives a present {@link Optional}, and returns its content; fails after
   * {@code timeout}.
   */
  public static <T> T present(Duration timeout, Supplier<Optional<T>> value) {
    return present("a present value", timeout, value);
  }

  /**
   * Waits until {@code value} gives a present {@link Optional}, and returns its content; fails after {@code timeout}
   * with {@code description} in the message.
   */
  public static <T> T present(String description, Duration timeout, Supplier<Optional<T>> value) {
    Objects.requireNonNull(value, "value");
    return value(description, timeout, () -> {
      Optional<T> o = value.get();
      return o == null ? null : o.orElse(null);
    });
  }

  /**
   * Runs {@code assertions} until they pass; after {@code timeout} rethrows the last {@link AssertionError}, with a
   * suppressed one that says how long it waited.
   */
  public static void untilAsserted(Duration timeout, ThrowingRunnable assertions) {
    untilAsserted("assertions", timeout, assertions);
  }

  /**
   * Runs {@code assertions} until they pass; after {@code timeout} rethrows the last {@link AssertionError}, with a
   * suppressed one that names {@code description} and says how long it waited.
   */
  public static void untilAsserted(String description, Duration timeout, ThrowingRunnable assertions) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(assertions, "assertions");
    long start = System.nanoTime();
    long deadline = start + checkTimeout(timeout);
    long pause = FIRST_PAUSE_NANOS;
    int checks = 0;
    while (true) {
      long checked = System.nanoTime();
      AssertionError failed;
      try {
        checks++;
        assertions.run();
        return;
      } catch (AssertionError e) {
        failed = e;
      } catch (RuntimeException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(description + ": interrupted after " + elapsed(start), e);
      } catch (Exception e) {
        throw new IllegalStateException(description + ": threw " + e, e);
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        failed.addSuppressed(new AssertionError(description + ": still failing after " + elapsed(start) + " ("
            + checks + " checks, timeout " + timeout + "); the last failure is the one thrown"));
        throw failed;
      }
      pause(() -> description, start, Math.min(checked + pause, deadline) - now);
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }

  private static long checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("negative timeout: " + timeout);
    }
    return timeout.toNanos();
  }

  private static void pause(Supplier<String> description, long start, long nanos) {
    if (nanos <= 0) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(description.get() + ": interrupted after " + elapsed(start), e);
    }
  }

  private static String elapsed(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms";
  }
}
