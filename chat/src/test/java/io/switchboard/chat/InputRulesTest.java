package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.flood.FloodLimiter;
import io.switchboard.testkit.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InputRulesTest {
  @Test
  void roomNames() {
    assertThat(InputRules.checkRoom("general")).isEmpty();
    assertThat(InputRules.checkRoom("a-1")).isEmpty();
    assertThat(InputRules.checkRoom("x".repeat(32))).isEmpty();
    assertThat(InputRules.checkRoom("x".repeat(33))).isPresent();
    assertThat(InputRules.checkRoom("")).isPresent();
    assertThat(InputRules.checkRoom("General")).isPresent();
    assertThat(InputRules.checkRoom("a b")).isPresent();
    assertThat(InputRules.checkRoom("../etc")).isPresent();
    assertThat(InputRules.checkRoom(42)).isPresent();
    assertThat(InputRules.checkRoom(null)).isPresent();
  }

  @Test
  void text() {
    assertThat(InputRules.checkText("hi")).isEmpty();
    assertThat(InputRules.checkText("x".repeat(2000))).isEmpty();
    assertThat(InputRules.checkText("😀".repeat(2000))).isEmpty();
    assertThat(InputRules.checkText("x".repeat(2001))).contains("Message is longer than 2000 characters");
    assertThat(InputRules.checkText("")).contains("Message is empty");
    assertThat(InputRules.checkText("  \n")).contains("Message is empty");
    assertThat(InputRules.checkText(null)).contains("Message is empty");
    assertThat(InputRules.checkText(12)).contains("Message is empty");
  }

  @Test
  void mentions() {
    assertThat(InputRules.mentions("hi @bob and @carol-2, @bob again; mail x@y.z"))
        .containsExactly("bob", "carol-2");
    assertThat(InputRules.mentions("no mention")).isEmpty();
  }

  @Test
  void floodLimiterAllowsTenPerSecondPerUser() {
    ManualClock clock = new ManualClock();
    FloodLimiter limiter = new FloodLimiter(10, Duration.ofSeconds(1), clock);
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire("alice")).isTrue();
      clock.advance(Duration.ofMillis(50));
    }
    assertThat(limiter.tryAcquire("alice")).isFalse();
    assertThat(limiter.tryAcquire("bob")).isTrue();
    clock.advance(Duration.ofMillis(510)); // only the first one leaves the window
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
  }
}
