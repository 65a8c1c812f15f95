package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  private static final Duration LONG = Duration.ofSeconds(10);

  @Test
  void untilReturnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
    AtomicBoolean open = new AtomicBoolean();
    AtomicInteger checks = new AtomicInteger();
    Thread opener = new Thread(() -> {
      try {
        Thread.sleep(30);
      } catch (InterruptedException e) {
        return;
      }
      open.set(true);
    });
    long start = System.nanoTime();
    opener.start();
    Await.until("the door opens", LONG, () -> {
      checks.incrementAndGet();
      return open.get();
    });
    assertThat(open).isTrue();
    assertThat(checks.get()).as("checked again after a pause").isGreaterThan(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LONG);
    opener.join();
  }

  @Test
  void aConditionThatAlreadyHoldsIsCheckedOnce() {
    AtomicInteger checks = new AtomicInteger();
    Await.until(LONG, () -> checks.incrementAndGet() > 0);
    assertThat(checks).hasValue(1);
  }

  @Test
  void untilFailsAfterTheTimeoutNamingWhatAndHowLong() {
    long start = System.nanoTime();
    AssertionError e = catchThrowableOfType(AssertionError.class,
        () -> Await.until("the door opens", Duration.ofMillis(150), () -> false));
    long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(tookMillis).isGreaterThanOrEqualTo(150);
    assertThat(e).hasMessageStartingWith("the door opens: not within PT0.15S (gave up after ")
        .hasMessageMatching(".*after \\d+ ms, \\d+ checks\\)");
    long reported = Long.parseLong(e.getMessage().replaceAll(".*after (\\d+) ms.*", "$1"));
    assertThat(reported).isBetween(150L, tookMillis);
  }

  @Test
  void withoutADescriptionTheMessageStillSaysItTimedOut() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(20), () -> false))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("condition: not within PT0.02S");
  }

  @Test
  void aLazyDescriptionIsBuiltOnlyOnFailureAndCanSayWhatWasSeen() {
    AtomicInteger built = new AtomicInteger();
    AtomicInteger seen = new AtomicInteger();
    Await.until(() -> "never needed " + built.incrementAndGet(), LONG, () -> seen.incrementAndGet() >= 3);
    assertThat(built).hasValue(0);

    assertThatThrownBy(() -> Await.until(() -> "saw " + seen.get() + " of 1000", Duration.ofMillis(30),
        () -> seen.incrementAndGet() >= 1000))
        .isInstanceOf(AssertionError.class).hasMessageMatching("saw \\d+ of 1000: not within PT0.03S .*");
  }

  @Test
  void theConditionIsCheckedOnceMoreAtTheDeadline() {
    long start = System.nanoTime();
    Duration timeout = Duration.ofMillis(120);
    // true only once the whole timeout has passed: found by the last check, not given up before it
    Await.until("the deadline passes", timeout, () -> System.nanoTime() - start >= timeout.toNanos());
  }

  @Test
  void aZeroTimeoutChecksOnceAndFails() {
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(() -> Await.until("x", Duration.ZERO, () -> checks.incrementAndGet() < 0))
        .isInstanceOf(AssertionError.class).hasMessageContaining("1 checks");
    assertThat(checks).hasValue(1);
  }

  @Test
  void pausesGrowSoAnIdleWaitDoesNotSpin() {
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(400), () -> checks.incrementAndGet() < 0))
        .isInstanceOf(AssertionError.class);
    // 1+2+4+8+16+32 ms, then 50 ms pauses: about 14 checks in 400 ms; a spin would make thousands, a fixed 1 ms
    // pause hundreds
    assertThat(checks.get()).isBetween(3, 30);
  }

  @Test
  void aCheckSlowerThanThePauseIsFollowedAtOnce() {
    List<Long> gaps = new ArrayList<>();
    long[] lastEnd = {0};
    AtomicInteger checks = new AtomicInteger();
    Await.until("the tenth slow check", LONG, () -> {
      long begin = System.nanoTime();
      if (lastEnd[0] != 0) {
        gaps.add(begin - lastEnd[0]);
      }
      try {
        Thread.sleep(60); // longer than any pause: no pause is added after it
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      lastEnd[0] = System.nanoTime();
      return checks.incrementAndGet() == 10;
    });
    // from the seventh check on, a pause after the check would be 50 ms
    List<Long> late = new ArrayList<>(gaps.subList(6, gaps.size()));
    Collections.sort(late);
    assertThat(Duration.ofNanos(late.get(late.size() / 2))).as("median gap between slow checks")
        .isLessThan(Duration.ofMillis(25));
  }

  @Test
  void anExceptionFromTheConditionEndsTheWaitAtOnce() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(() -> Await.until("x", LONG, () -> {
      checks.incrementAndGet();
      throw boom;
    })).isSameAs(boom);
    assertThat(checks).hasValue(1);
  }

  @Test
  void anInterruptEndsTheWaitAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Await.until("the door opens", LONG, () -> false))
          .isInstanceOf(AssertionError.class).hasMessageStartingWith("the door opens: interrupted after ")
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aNegativeTimeoutIsRefused() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(-1), () -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative timeout");
  }

  @Test
  void valueReturnsTheFirstNonNull() {
    AtomicInteger calls = new AtomicInteger();
    String v = Await.value("the third", LONG, () -> calls.incrementAndGet() < 3 ? null : "got " + calls.get());
    assertThat(v).isEqualTo("got 3");
    assertThat(Await.value(LONG, () -> 42)).isEqualTo(42);
  }

  @Test
  void valueFailsAfterTheTimeout() {
    assertThatThrownBy(() -> Await.value("the session", Duration.ofMillis(30), () -> null))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("the session: not within PT0.03S");
    assertThatThrownBy(() -> Await.value(Duration.ofMillis(30), () -> null))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("a value: not within PT0.03S");
  }

  @Test
  void presentReturnsTheContentOfTheFirstPresentOptional() {
    AtomicInteger calls = new AtomicInteger();
    int v = Await.present("five", LONG, () -> calls.incrementAndGet() < 3 ? Optional.empty() : Optional.of(5));
    assertThat(v).isEqualTo(5);
    assertThat(calls).hasValue(3);
    assertThatThrownBy(() -> Await.present(Duration.ofMillis(30), Optional::empty))
        .isInstanceOf(AssertionError.class).hasMessageStartingWith("a present value: not within PT0.03S");
  }

  @Test
  void untilAssertedRerunsTheBlockUntilItPasses() {
    AtomicInteger runs = new AtomicInteger();
    Await.untilAsserted(LONG, () -> assertThat(runs.incrementAndGet()).isGreaterThanOrEqualTo(3));
    assertThat(runs).hasValue(3);
  }

  @Test
  void untilAssertedRethrowsTheLastAssertionErrorAfterTheTimeout() {
    AtomicInteger runs = new AtomicInteger();
    AssertionError e = catchThrowableOfType(AssertionError.class,
        () -> Await.untilAsserted("three messages", Duration.ofMillis(100), () -> {
          throw new AssertionError("run " + runs.incrementAndGet());
        }));
    assertThat(runs.get()).isGreaterThan(1);
    assertThat(e).hasMessage("run " + runs.get());
    assertThat(e.getSuppressed()).singleElement().satisfies(s -> assertThat(s)
        .isInstanceOf(AssertionError.class)
        .hasMessageMatching("three messages: still failing after \\d+ ms \\(\\d+ checks, timeout PT0.1S\\).*"));
  }

  @Test
  void untilAssertedKeepsTheAssertionsOwnFailure() {
    AssertionError e = catchThrowableOfType(AssertionError.class,
        () -> Await.untilAsserted(Duration.ofMillis(30), () -> assertThat(1).as("the count").isEqualTo(2)));
    assertThat(e).hasMessageContaining("the count").hasMessageContaining("expected: 2");
    assertThat(e.getSuppressed()[0]).hasMessageStartingWith("assertions: still failing after ");
  }

  @Test
  void untilAssertedStopsAtOnceOnAnythingButAnAssertionError() {
    AtomicInteger runs = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(() -> Await.untilAsserted(LONG, () -> {
      runs.incrementAndGet();
      throw boom;
    })).isSameAs(boom);
    assertThat(runs).hasValue(1);

    IOException io = new IOException("closed");
    assertThatThrownBy(() -> Await.untilAsserted("the read", LONG, () -> {
      throw io;
    })).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("the read: threw").hasCause(io);
  }
}
