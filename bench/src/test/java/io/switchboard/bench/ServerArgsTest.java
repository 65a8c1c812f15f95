package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.bench.servers.ServerArgs;
import org.junit.jupiter.api.Test;

/** The bench servers' options: values, switches, and a typo refused with the usage rather than ignored. */
class ServerArgsTest {
  @Test
  void valuesAndSwitches() {
    ServerArgs a = ServerArgs.parse("--port", "3005", "--redis", "redis://127.0.0.1:6379", "--streams", "--recovery",
        "--threads", "2");
    assertThat(a.port()).isEqualTo(3005);
    assertThat(a.threads()).isEqualTo(2);
    assertThat(a.redis()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(a.streams()).isTrue();
    assertThat(a.recovery()).isTrue();
    ServerArgs plain = ServerArgs.parse("--port", "0");
    assertThat(plain.streams()).isFalse();
    assertThat(plain.recovery()).isFalse();
    assertThat(plain.redis()).isNull();
    assertThat(plain.shutdownGrace()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(ServerArgs.parse("--shutdown-grace", "500ms").shutdownGrace()).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(ServerArgs.parse("--shutdown-grace", "0").shutdownGrace()).isZero();
    assertThat(plain.deflate()).isFalse();
    ServerArgs deflate = ServerArgs.parse("--deflate", "--deflate-threshold", "2048");
    assertThat(deflate.deflate()).isTrue();
    assertThat(deflate.deflateThreshold()).isEqualTo(2048);
    assertThat(ServerArgs.parse("--deflate").deflateThreshold()).isEqualTo(1024);
    assertThat(plain.handlers()).isEqualTo("default");
    assertThat(ServerArgs.parse("--handlers", "executor").handlers()).isEqualTo("executor");
    assertThat(ServerArgs.parse("--handlers", "direct").handlers()).isEqualTo("direct");
    assertThatThrownBy(() -> ServerArgs.parse("--handlers", "loop")).hasMessageContaining("default, executor or direct");
  }

  @Test
  void unknownOptionsMissingValuesAndBadNumbersAreRefusedWithTheUsage() {
    assertThatThrownBy(() -> ServerArgs.parse("--prot", "3000")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option --prot").hasMessageContaining("--recovery");
    assertThatThrownBy(() -> ServerArgs.parse("3000")).hasMessageContaining("unknown option 3000");
    assertThatThrownBy(() -> ServerArgs.parse("--port")).hasMessageContaining("missing value after --port");
    assertThatThrownBy(() -> ServerArgs.parse("--port", "x")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> ServerArgs.parse("--streams")).hasMessageContaining("--streams needs --redis");
    assertThatThrownBy(() -> ServerArgs.parse("--shutdown-grace", "soon")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> ServerArgs.parse("--deflate-threshold", "512")).hasMessageContaining("needs --deflate");
    assertThatThrownBy(() -> ServerArgs.parse("--deflate", "--deflate-threshold", "-1"))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> ServerArgs.parse("--deflate-level", "1")).hasMessageContaining("unknown option");
  }
}
