package io.switchboard.conformance;

import static io.switchboard.testkit.NodeScript.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.ServerProcess;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built jar runs as the README says ({@code java -jar ... --port N}) and serves the Engine.IO echo. */
class ConformanceJarIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern BANNER = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private ServerProcess server;
  private int port;

  @BeforeEach
  void startJar() {
    Path jar = Path.of(System.getProperty("switchboard.conformance.jar", "target/switchboard-conformance.jar"));
    server = ServerProcess.builder(jar).args("--port", "0").banner(BANNER).startTimeout(WAIT).start();
    port = server.port();
  }

  @AfterEach
  void stopJar() {
    server.close();
  }

  @Test
  void theJarServesTheEchoInTheSuiteConfiguration() {
    EngineHttpClient eio = new EngineHttpClient(URI.create("http://127.0.0.1:" + port + "/engine.io/"));
    EngineHttpClient.Handshake open = eio.openPolling();
    assertThat(open.pingInterval()).isEqualTo(300);
    assertThat(open.pingTimeout()).isEqualTo(200);
    assertThat(open.maxPayload()).isEqualTo(1_000_000);
    assertThat(eio.get("transport=polling", "Origin", "https://anywhere.example").headers()
        .firstValue("access-control-allow-origin")).hasValue("*");

    try (NodeScript client = NodeScript.start("eio-client.mjs", "--url", "http://127.0.0.1:" + port,
        "--transports", "both", "--send-on", "upgrade", "--send", "text:through the jar", "--send", "binary:AQID")) {
      client.await(event("upgrade"), WAIT);
      assertThat(client.await(event("message"), WAIT).get("data").asText()).isEqualTo("through the jar");
      assertThat(client.await(event("message"), WAIT).get("data").asText()).isEqualTo("AQID");
    }
  }

  @Test
  void theJarStopsCleanlyOnSigterm() throws Exception {
    server.stop(WAIT); // SIGTERM: the shutdown hook closes the sessions and the port
    assertThat(server.isAlive()).isFalse();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
  }
}
