package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.EngineOptions;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scenarios of the official socket.io-protocol test suite, re-expressed over a raw WebSocket against a server
 * configured as the suite expects (ping every 300 ms, connect timeout 1 s, an echo app on "/" and "/custom"); the ping
 * timeout is longer than the suite's 200 ms so that a loaded build machine does not fail it.
 */
class ProtocolTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestServer t;
  private EngineHttpClient http;

  /** The application the official suite runs against. */
  static void installReferenceApp(Server io) {
    io.onConnection(socket -> {
      socket.emit("auth", socket.handshake().auth());
      socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
      socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
    });
    io.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
  }

  @BeforeEach
  void start() {
    t = new TestServer(ServerOptions.builder()
        .engine(EngineOptions.builder().pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofSeconds(3))
            .build())
        .connectTimeout(Duration.ofSeconds(1))
        .build());
    installReferenceApp(t.io);
    http = new EngineHttpClient(URI.create(t.url() + "/socket.io/"));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private WebSocketRecorder open() {
    WebSocketRecorder ws = http.websocket("transport=websocket").autoPong(true);
    assertThat(ws.awaitText(WAIT)).startsWith("0{");
    return ws;
  }

  private WebSocketRecorder connected() {
    WebSocketRecorder ws = open();
    ws.sendText("40");
    assertThat(ws.awaitText(WAIT)).startsWith("40{\"sid\":");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"auth\",{}]");
    return ws;
  }

  @Test
  void connectsToTheMainNamespace() {
    WebSocketRecorder ws = open();
    ws.sendText("40");
    String reply = ws.awaitText(WAIT);
    assertThat(reply).matches("40\\{\"sid\":\"[A-Za-z0-9_-]+\"}");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"auth\",{}]");
  }

  @Test
  void connectsToTheMainNamespaceWithAPayload() {
    WebSocketRecorder ws = open();
    ws.sendText("40{\"token\":\"123\"}");
    assertThat(ws.awaitText(WAIT)).startsWith("40{\"sid\":");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
  }

  @Test
  void connectsToACustomNamespace() {
    WebSocketRecorder ws = open();
    ws.sendText("40/custom,");
    assertThat(ws.awaitText(WAIT)).matches("40/custom,\\{\"sid\":\"[A-Za-z0-9_-]+\"}");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42/custom,[\"auth\",{}]");
  }

  @Test
  void connectsToACustomNamespaceWithAPayloadAndKeyOrder() {
    WebSocketRecorder ws = open();
    ws.sendText("40/custom,{\"token\":\"abc\",\"a\":1,\"b\":2.5}");
    assertThat(ws.awaitText(WAIT)).startsWith("40/custom,{\"sid\":");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42/custom,[\"auth\",{\"token\":\"abc\",\"a\":1,\"b\":2.5}]");
  }

  @Test
  void refusesAnUnknownNamespaceAndKeepsTheConnection() {
    WebSocketRecorder ws = open();
    ws.sendText("40/random");
    assertThat(ws.awaitText(WAIT)).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
    ws.sendText("40");
    assertThat(ws.awaitText(WAIT)).startsWith("40{\"sid\":");
  }

  @Test
  void multiplexesNamespacesOnOneConnection() {
    WebSocketRecorder ws = connected();
    ws.sendText("40/custom,");
    assertThat(ws.awaitText(WAIT)).startsWith("40/custom,{\"sid\":");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42/custom,[\"auth\",{}]");
    ws.sendText("41/custom,");
    ws.sendText("42[\"message\",\"message to main namespace\"]");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",\"message to main namespace\"]");
  }

  @Test
  void aSecondConnectToTheSameNamespaceIsIgnored() {
    WebSocketRecorder ws = connected();
    ws.sendText("40");
    ws.sendText("42[\"message\",\"once\"]");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",\"once\"]");
    assertThat(t.io.sockets().sockets()).hasSize(1);
  }

  @Test
  void anEventForANamespaceNotJoinedClosesTheConnection() {
    WebSocketRecorder ws = connected();
    ws.sendText("42/custom,[\"message\",\"lost\"]");
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
  }

  @Test
  void sendEmitsAMessageEvent() {
    WebSocketRecorder ws = connected();
    t.io.send("hello", 1);
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message\",\"hello\",1]");
  }

  @Test
  void closesTheConnectionWithoutAHandshake() {
    WebSocketRecorder ws = open();
    assertThat(ws.awaitEnd(Duration.ofSeconds(5))).isNotNull();
  }

  @Test
  void disconnectFromTheMainNamespaceKeepsTheEngineSession() {
    WebSocketRecorder ws = http.websocket("transport=websocket");
    assertThat(ws.awaitText(WAIT)).startsWith("0{");
    ws.sendText("40");
    assertThat(ws.awaitText(WAIT)).startsWith("40{");
    assertThat(ws.awaitText(WAIT)).startsWith("42[\"auth\"");
    ws.sendText("41");
    assertThat(ws.awaitText(WAIT)).isEqualTo("2");
  }

  @Test
  void echoesAPlainTextEventKeepingNumbersAsSent() {
    WebSocketRecorder ws = connected();
    ws.sendText("42[\"message\",1,\"2\",{\"3\":[true]},12345678901234,-0.5]");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]},12345678901234,-0.5]");
  }

  @Test
  void echoesAnEventWithBinaryAttachments() {
    WebSocketRecorder ws = connected();
    ws.sendText("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    ws.sendBinary(new byte[] {1, 2, 3});
    ws.sendBinary(new byte[] {4, 5, 6});
    assertThat(ws.awaitText(WAIT))
        .isEqualTo("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    assertThat(ws.awaitBinary(WAIT)).containsExactly(1, 2, 3);
    assertThat(ws.awaitBinary(WAIT)).containsExactly(4, 5, 6);
  }

  @Test
  void acknowledgesAPlainTextEvent() {
    WebSocketRecorder ws = connected();
    ws.sendText("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
    assertThat(ws.awaitText(WAIT)).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
  }

  @Test
  void acknowledgesAnEventWithBinaryAttachments() {
    WebSocketRecorder ws = connected();
    ws.sendText("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    ws.sendBinary(new byte[] {1, 2, 3});
    ws.sendBinary(new byte[] {4, 5, 6});
    assertThat(ws.awaitText(WAIT))
        .isEqualTo("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    assertThat(ws.awaitBinary(WAIT)).containsExactly(1, 2, 3);
    assertThat(ws.awaitBinary(WAIT)).containsExactly(4, 5, 6);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4abc", "42{}", "42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]", "42[]", "42\"x\"", "42[\"disconnect\"]",
      "42[\"connect\"]", "43[]", "43abc[]", "4511-[\"message\"]", "41{}", "44{\"message\":\"x\"}", "42[\"x\"]junk"})
  void closesTheConnectionOnAMalformedPacket(String bad) {
    WebSocketRecorder ws = connected();
    ws.sendText(bad);
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
  }

  @Test
  void closesTheConnectionOnAnInvalidHandshake() {
    WebSocketRecorder ws = open();
    ws.sendText("4abc");
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
  }

  @Test
  void closesTheConnectionOnABinaryFrameWithNoPacketWaiting() {
    WebSocketRecorder ws = connected();
    ws.sendBinary(new byte[] {1, 2, 3});
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
  }

  @Test
  void closesTheConnectionOnATextFrameWhileAttachmentsAreAwaited() {
    WebSocketRecorder ws = connected();
    ws.sendText("451-[\"message\",{\"_placeholder\":true,\"num\":0}]");
    ws.sendText("42[\"message\",1]");
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
  }

  @Test
  void aMalformedPacketClosesOnlyItsOwnClient() {
    WebSocketRecorder good = connected();
    WebSocketRecorder bad = connected();
    bad.sendText("42{}");
    assertThat(bad.awaitEnd(WAIT)).isNotNull();
    good.sendText("42[\"message\",\"still here\"]");
    assertThat(good.awaitText(WAIT)).isEqualTo("42[\"message-back\",\"still here\"]");
  }

  @Test
  void worksOverLongPolling() {
    EngineHttpClient.Handshake h = http.openPolling();
    assertThat(http.push(h.sid(), "40").statusCode()).isEqualTo(200);
    String body = http.poll(h.sid()).body();
    java.util.List<String> packets = new java.util.ArrayList<>(EngineHttpClient.packets(body));
    if (packets.size() < 2) {
      packets.addAll(EngineHttpClient.packets(http.poll(h.sid()).body()));
    }
    assertThat(packets.get(0)).startsWith("40{\"sid\":");
    assertThat(packets.get(1)).isEqualTo("42[\"auth\",{}]");
    http.push(h.sid(), "42[\"message\",\"over polling\"]");
    String echoed = http.poll(h.sid()).body();
    while (echoed.equals("2")) {
      http.push(h.sid(), "3");
      echoed = http.poll(h.sid()).body();
    }
    assertThat(echoed).isEqualTo("42[\"message-back\",\"over polling\"]");
  }
}
