package io.switchboard.conformance;

import static io.switchboard.testkit.NodeScript.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.NodeScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built jar runs as the README says ({@code java -jar ... --port N}) and serves the Engine.IO echo. */
class ConformanceJarIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern BANNER = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private Process server;
  private int port;

  @BeforeEach
  void startJar() throws Exception {
    Path jar = Path.of(System.getProperty("switchboard.conformance.jar", "target/switchboard-conformance.jar"));
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server = new ProcessBuilder(java, "-jar", jar.toString(), "--port", "0").redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> banner = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          Matcher m = BANNER.matcher(line);
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        }
        throw new IllegalStateException("the jar exited without its banner");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    port = banner.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    // keep draining the output so the server never blocks on a full pipe
    CompletableFuture.runAsync(() -> out.lines().forEach(l -> { }));
  }

  @AfterEach
  void stopJar() throws InterruptedException {
    server.destroy();
    if (!server.waitFor(10, TimeUnit.SECONDS)) {
      server.destroyForcibly();
    }
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
    server.destroy(); // SIGTERM: the shutdown hook closes the sessions and the port
    assertThat(server.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
  }
}
