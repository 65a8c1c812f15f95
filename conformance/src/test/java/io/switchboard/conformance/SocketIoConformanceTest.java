package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conformance server's Socket.IO endpoint answers as the official socket.io-protocol suite expects: greetings with
 * the auth payload, echoes with and without acks (binary kept binary), unknown namespaces refused, silent connections
 * closed after the connect timeout. The protocol itself is tested in depth in the server module.
 */
class SocketIoConformanceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static ConformanceServer server;
  private static EngineHttpClient sio;

  @BeforeAll
  static void start() {
    server = ConformanceServer.start(0);
    sio = new EngineHttpClient(URI.create("http://127.0.0.1:" + server.port() + "/socket.io/"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static WebSocketRecorder open() {
    WebSocketRecorder ws = sio.websocket("transport=websocket").autoPong(true);
    String open = ws.awaitText(WAIT);
    assertThat(EngineHttpClient.parseOpen(open).pingInterval()).isEqualTo(300);
    return ws;
  }

  @Test
  void greetsTheMainAndCustomNamespacesWithTheAuthPayload() {
    try (WebSocketRecorder ws = open()) {
      ws.sendText("40{\"token\":\"123\"}");
      assertThat(ws.awaitText(WAIT)).matches("40\\{\"sid\":\"[A-Za-z0-9_-]+\"}");
      assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
      ws.sendText("40/custom,");
      assertThat(ws.awaitText(WAIT)).startsWith("40/custom,{\"sid\":");
      assertThat(ws.awaitText(WAIT)).isEqualTo("42/custom,[\"auth\",{}]");
    }
  }

  @Test
  void echoesMessagesAndAcknowledgements() {
    try (WebSocketRecorder ws = open()) {
      ws.sendText("40");
      ws.awaitText(WAIT);
      ws.awaitText(WAIT);
      ws.sendText("42[\"message\",1,\"2\",{\"3\":[true]}]");
      assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]}]");
      ws.sendText("4256[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
      assertThat(ws.awaitText(WAIT)).isEqualTo("4356[1,\"2\",{\"3\":[false]}]");
    }
  }

  @Test
  void refusesAnUnknownNamespace() {
    try (WebSocketRecorder ws = open()) {
      ws.sendText("40/random,");
      assertThat(ws.awaitText(WAIT)).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
    }
  }

  @Test
  void closesAConnectionThatJoinsNoNamespace() {
    try (WebSocketRecorder ws = open()) {
      ws.awaitEnd(WAIT);
    }
  }
}
