package io.switchboard.chat.typing;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TypingTrackerTest {
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final ManualClock clock = new ManualClock();

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
    clock.advance(Duration.ofMillis(1000));
    typing.update("alice", "general", true);
    assertThat(sent).containsExactly("general/alice/true");
    clock.advance(Duration.ofMillis(1100)); // 2.1 s after the first start: repeated, for those who joined since
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
    Await.until("the stop is sent", Duration.ofSeconds(10), () -> sent.size() >= 2);
    assertThat(sent).containsExactly("general/alice/true", "general/alice/false");
    typing.update("alice", "general", true); // a new start after the expiry is sent at once
    assertThat(sent).hasSize(3).last().isEqualTo("general/alice/true");
  }
}
