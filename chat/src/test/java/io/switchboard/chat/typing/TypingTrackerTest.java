package io.switchboard.chat.typing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TypingTrackerTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final MovableClock clock = new MovableClock();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private TypingTracker tracker(Duration expiry) {
    return new TypingTracker(timer, Duration.ofSeconds(2), expiry, clock,
        (room, user, isTyping) -> sent.add(room + "/" + user + "/" + isTyping));
  }

  @Test
  void startsAreThrottledAndRepeatedAfterTheInterval() {
    TypingTracker typing = tracker(Duration.ofMinutes(1));
    typing.update("alice", "general", true);
    clock.advance(1000);
    typing.update("alice", "general", true);
    assertThat(sent).containsExactly("general/alice/true");
    clock.advance(1100); // 2.1 s after the first start: repeated, for those who joined since
    typing.update("alice", "general", true);
    typing.update("alice", "random", true); // another room is another state
    assertThat(sent).containsExactly("general/alice/true", "general/alice/true", "random/alice/true");
    typing.update("alice", "general", false);
    typing.update("alice", "general", false); // already stopped: nothing
    typing.update("bob", "general", false); // never started: nothing
    typing.stopAll("alice");
    assertThat(sent).containsExactly("general/alice/true", "general/alice/true", "random/alice/true",
        "general/alice/false", "random/alice/false");
  }

  @Test
  void typingThatIsNotRenewedExpires() {
    TypingTracker typing = tracker(Duration.ofMillis(300));
    typing.update("alice", "general", true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (sent.size() < 2 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(sent).containsExactly("general/alice/true", "general/alice/false");
    typing.update("alice", "general", true); // a new start after the expiry is sent at once
    assertThat(sent).hasSize(3).last().isEqualTo("general/alice/true");
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(long millis) {
      now = now.plusMillis(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
