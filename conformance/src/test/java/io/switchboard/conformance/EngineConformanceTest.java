package io.switchboard.conformance;

import io.switchboard.testkit.EngineHttpClient;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared fixture of the Engine.IO conformance scenarios: one conformance server on a free port for the class, and
 * a raw Engine.IO HTTP client pointed at it.
 */
abstract class EngineConformanceTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static ConformanceServer server;
  static EngineHttpClient eio;

  @BeforeAll
  static void start() {
    server = ConformanceServer.start(0);
    eio = new EngineHttpClient(URI.create("http://127.0.0.1:" + server.port() + "/engine.io/"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }
}
