package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The input-limit options: their defaults, what they refuse, and that {@code toBuilder} keeps them. */
class EngineOptionsTest {

  @Test
  void theDefaultsKeepTodaysBehaviourForEngineIoAlone() {
    EngineOptions o = EngineOptions.DEFAULT;
    assertThat(o.untrustedInputLimit()).isEqualTo(Long.MAX_VALUE);
    assertThat(o.maxBufferedInput()).isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory() / 4);
    assertThat(o.maxFragmentsPerMessage()).isEqualTo(1024);
    assertThat(o.maxFramesPerSecond()).isEqualTo(10_000);
    assertThat(o.allowedOrigins()).isEmpty();
    assertThat(o.allowMissingOrigin()).isTrue();
    assertThat(o.originAllowed("https://any.example")).isTrue();
    assertThat(o.originAllowed(null)).isTrue();
  }

  @Test
  void originsAreMatchedExactly() {
    EngineOptions o = EngineOptions.builder().allowedOrigins(Set.of("https://chat.example"))
        .allowMissingOrigin(false).build();
    assertThat(o.originAllowed("https://chat.example")).isTrue();
    assertThat(o.originAllowed("https://chat.example:443")).isFalse();
    assertThat(o.originAllowed("https://chat.example.evil")).isFalse();
    assertThat(o.originAllowed("null")).isFalse();
    assertThat(o.originAllowed(null)).isFalse();
  }

  @Test
  void toBuilderKeepsTheInputLimits() {
    EngineOptions o = EngineOptions.builder().untrustedInputLimit(65_536).maxFragmentsPerMessage(8)
        .maxFramesPerSecond(0).allowedOrigins(Set.of("https://chat.example")).allowMissingOrigin(false).build();
    EngineOptions copy = o.toBuilder().pingTimeout(java.time.Duration.ofSeconds(1)).build();
    assertThat(copy.untrustedInputLimit()).isEqualTo(65_536);
    assertThat(copy.maxFragmentsPerMessage()).isEqualTo(8);
    assertThat(copy.maxFramesPerSecond()).isZero();
    assertThat(copy.allowedOrigins()).containsExactly("https://chat.example");
    assertThat(copy.allowMissingOrigin()).isFalse();
  }

  @Test
  void nonsenseIsRefused() {
    assertThatThrownBy(() -> EngineOptions.builder().maxFragmentsPerMessage(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EngineOptions.builder().maxFramesPerSecond(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EngineOptions.builder().untrustedInputLimit(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EngineOptions.builder().allowedOrigins(Set.of("")).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
