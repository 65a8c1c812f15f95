package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void saysToRunNpmCiWhenTheInteropPackagesAreMissing(@TempDir Path checkout) throws IOException {
    Files.createDirectories(checkout.resolve("interop/scripts"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>");
    Files.writeString(checkout.resolve("interop/package.json"), "{}");
    Files.writeString(checkout.resolve("interop/scripts/eio-client.mjs"), "");
    String previous = System.getProperty("switchboard.root");
    System.setProperty("switchboard.root", checkout.toString());
    try {
      assertThatThrownBy(() -> NodeScript.start("eio-client.mjs"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("node_modules")
          .hasMessageContaining("run npm ci in interop/");
    } finally {
      if (previous == null) {
        System.clearProperty("switchboard.root");
      } else {
        System.setProperty("switchboard.root", previous);
      }
    }
  }
}
