package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private final OriginPolicy policy = new OriginPolicy(List.of("https://Chat.Example.com/"));

  @Test
  void sameOriginAndConfiguredOriginsAreAllowedOthersNot() {
    assertThat(policy.allows(null, "localhost:3000")).isTrue();
    assertThat(policy.allows("http://localhost:3000", "localhost:3000")).isTrue();
    assertThat(policy.allows("https://chat.example.com", "10.0.0.1:3000")).isTrue();
    assertThat(policy.allows("http://evil.example", "localhost:3000")).isFalse();
    assertThat(policy.allows("null", "localhost:3000")).isFalse();
    assertThat(policy.allows("http://localhost:3000\u0001", "localhost:3000")).isFalse();
    assertThat(policy.allows("http://localhost:3000", null)).isFalse();
  }
}
