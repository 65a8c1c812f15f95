package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TestRedisTest {
  @Test
  void uriIsARedisThatStoresAndAnswers() throws IOException {
    String uri = TestRedis.uri();
    assertThat(uri).matches("redis://127\\.0\\.0\\.1:\\d+");
    assertThat(TestRedis.uri()).isSameAs(uri);
    int port = port(uri);
    String key = "sbt-testkit-" + UUID.randomUUID();
    assertThat(TestRedis.command(port, "SET", key, "v", "PX", "10000")).isEqualTo("OK");
    assertThat(TestRedis.command(port, "GET", key)).isEqualTo("v");
    assertThat(TestRedis.command(port, "DEL", key)).isEqualTo("1");
    assertThat(TestRedis.version()).matches("\\d+\\.\\d+\\.\\d+");
  }

  @Test
  void whenNothingAnswersTheFallbackStartsARedis() {
    int nothing = LocalServers.freePort();
    assertThat(TestRedis.ping(nothing)).isNull();

    String uri = TestRedis.resolve(nothing);

    assertThat(port(uri)).isNotEqualTo(nothing);
    assertThat(TestRedis.ping(port(uri))).isEqualTo("PONG");
  }

  @Test
  void theBinaryShippedInTheEmbeddedRedisJarRunsRedis62() throws IOException {
    try (TestRedis.Server redis = TestRedis.startProcess(TestRedis.embeddedBinary())) {
      assertThat(TestRedis.ping(redis.port())).isEqualTo("PONG");
      assertThat(TestRedis.version(redis.port())).startsWith("6.2.");
      assertThat(TestRedis.command(redis.port(), "SET", "k", "shipped")).isEqualTo("OK");
      assertThat(TestRedis.command(redis.port(), "GET", "k")).isEqualTo("shipped");
    }
  }

  @Test
  void anOwnProcessStopsAndStartsAgainOnTheSamePort() throws IOException {
    int port;
    try (TestRedis.Server redis = TestRedis.startProcess()) {
      port = redis.port();
      assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + port);
      assertThat(redis.command("SET", "k", "before")).isEqualTo("OK");
      assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).as("no subscriber to kill").isEqualTo("0");
      assertThatThrownBy(() -> redis.command("NO-SUCH-COMMAND")).isInstanceOf(UncheckedIOException.class)
          .rootCause().hasMessageStartingWith("Redis error: ERR unknown command");

      redis.stop();
      assertThat(redis.isRunning()).isFalse();
      assertThat(TestRedis.ping(port)).isNull();

      redis.start();
      assertThat(redis.port()).isEqualTo(port);
      assertThat(TestRedis.ping(port)).isEqualTo("PONG");
      assertThat(redis.command("GET", "k")).as("no persistence").isNull();
    }
    assertThat(TestRedis.ping(port)).isNull();
  }

  private static int port(String uri) {
    return Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
  }
}
