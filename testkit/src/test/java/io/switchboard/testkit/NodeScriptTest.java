package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class NodeScriptTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void findsTheRepositoryRootFromTheModuleDirectory() {
    assertThat(RepositoryRoot.find().resolve("interop/scripts/eio-client.mjs")).satisfies(p -> Files.isRegularFile(p));
  }

  @Test
  void readsJsonLinesAndReportsTheExitCode() {
    try (NodeScript script = NodeScript.start("eio-client.mjs", "--transports", "polling")) {
      JsonNode fatal = script.await(NodeScript.event("fatal"), WAIT);
      assertThat(fatal.get("message").asText()).contains("--url");
      assertThat(script.awaitExit(WAIT)).isEqualTo(2);
    }
  }

  @Test
  void failsWithWhatItSawWhenTheScriptEndsBeforeAMatch() {
    try (NodeScript script = NodeScript.start("eio-client.mjs", "--transports", "nonsense", "--url", "http://x")) {
      assertThatThrownBy(() -> script.await(NodeScript.event("open"), WAIT))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("ended")
          .hasMessageContaining("fatal");
    }
  }

  @Test
  void rejectsAnUnknownScript() {
    assertThatThrownBy(() -> NodeScript.start("no-such-script.mjs"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-script.mjs");
  }
}
