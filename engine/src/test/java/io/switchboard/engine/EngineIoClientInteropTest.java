package io.switchboard.engine;

import static io.switchboard.testkit.NodeScript.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.NodeScript;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official npm {@code engine.io-client} (6.6.x, from {@code interop/}) against a real server: polling only,
 * WebSocket only, and polling upgraded to WebSocket, with text and binary messages both ways.
 */
class EngineIoClientInteropTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TEXT = "héllo wörld ✓ \uD83D\uDE80";
  private static final byte[] SMALL_BINARY = {0, 1, 2, (byte) 0x80, (byte) 0xff};

  private PollingHttpServerFixture server;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .pingInterval(Duration.ofMillis(500))
        .pingTimeout(Duration.ofSeconds(5))
        .build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private NodeScript client(String transports, String... more) {
    List<String> args = new ArrayList<>(List.of("--url", server.url(), "--transports", transports));
    args.addAll(List.of(more));
    return NodeScript.start("eio-client.mjs", args);
  }

  private static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  private static void assertText(JsonNode message, String expected) {
    assertThat(message.get("type").asText()).isEqualTo("text");
    assertThat(message.get("data").asText()).isEqualTo(expected);
  }

  private static void assertBinary(JsonNode message, byte[] expected) {
    assertThat(message.get("type").asText()).isEqualTo("binary");
    assertThat(Base64.getDecoder().decode(message.get("data").asText())).isEqualTo(expected);
  }

  private void assertEchoBothWays(String transports, String expectedTransport) {
    byte[] large = randomBytes(100_000);
    try (NodeScript client = client(transports, "--no-upgrade", "--send", "text:" + TEXT,
        "--send", "binary:" + b64(SMALL_BINARY))) {
      JsonNode open = client.await(event("open"), WAIT);
      String sid = open.get("sid").asText();
      assertThat(open.get("transport").asText()).isEqualTo(expectedTransport);
      assertThat(open.get("handshake").get("maxPayload").asLong()).isEqualTo(1_000_000);
      client.send(NodeScript.command().put("op", "send").put("binary", b64(large)));

      // client -> server
      assertThat(server.awaitMessage(sid, WAIT)).isEqualTo(TEXT);
      assertThat((byte[]) server.awaitMessage(sid, WAIT)).isEqualTo(SMALL_BINARY);
      assertThat((byte[]) server.awaitMessage(sid, WAIT)).isEqualTo(large);
      // server -> client (the echo)
      assertText(client.await(event("message"), WAIT), TEXT);
      assertBinary(client.await(event("message"), WAIT), SMALL_BINARY);
      assertBinary(client.await(event("message"), WAIT), large);

      // a message the server starts
      server.engine().socket(sid).send("from the server");
      assertText(client.await(event("message"), WAIT), "from the server");

      client.send(NodeScript.command().put("op", "close"));
      client.await(event("close"), WAIT);
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_CLOSE);
    }
  }

  @Test
  void pollingOnlyEchoesTextAndBinary() {
    assertEchoBothWays("polling", "polling");
  }

  @Test
  void webSocketOnlyEchoesTextAndBinary() {
    assertEchoBothWays("websocket", "websocket");
  }

  @Test
  void pollingUpgradesToWebSocketAndThenEchoesTextAndBinary() {
    byte[] large = randomBytes(200_000);
    try (NodeScript client = client("both", "--send-on", "upgrade", "--send", "text:" + TEXT)) {
      JsonNode open = client.await(event("open"), WAIT);
      String sid = open.get("sid").asText();
      assertThat(open.get("transport").asText()).isEqualTo("polling");
      assertThat(open.get("handshake").get("upgrades")).hasSize(1);
      assertThat(open.get("handshake").get("upgrades").get(0).asText()).isEqualTo("websocket");

      assertThat(client.await(event("upgrade"), WAIT).get("transport").asText()).isEqualTo("websocket");
      assertThat(server.awaitUpgrade(sid, WAIT)).isEqualTo(Transport.WEBSOCKET);
      assertThat(server.engine().socket(sid).transport()).isEqualTo(Transport.WEBSOCKET);
      client.send(NodeScript.command().put("op", "send").put("binary", b64(large)));

      assertThat(server.awaitMessage(sid, WAIT)).isEqualTo(TEXT);
      assertThat((byte[]) server.awaitMessage(sid, WAIT)).isEqualTo(large);
      assertText(client.await(event("message"), WAIT), TEXT);
      assertBinary(client.await(event("message"), WAIT), large);
    }
  }

  @Test
  void messagesSentDuringTheUpgradeArriveOnceAndInOrderBothWays() {
    int n = 300;
    // the client sends its burst as soon as the session opens, i.e. while it probes the WebSocket
    try (NodeScript client = client("both", "--burst", String.valueOf(n))) {
      String sid = client.await(event("open"), WAIT).get("sid").asText();
      EngineSocket socket = server.awaitSocket(sid, WAIT);
      // and the server sends its own burst at the same time, from another thread
      Thread serverBurst = new Thread(() -> IntStream.range(0, n).forEach(i -> socket.send("s" + i)));
      serverBurst.start();

      List<String> atServer = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        atServer.add((String) server.awaitMessage(sid, WAIT));
      }
      assertThat(atServer).containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "m" + i).toList());

      List<String> echoes = new ArrayList<>();
      List<String> pushed = new ArrayList<>();
      boolean upgraded = false;
      for (JsonNode e : client.await(2 * n + 1, event("message").or(event("upgrade")), WAIT)) {
        if (e.get("event").asText().equals("upgrade")) {
          upgraded = true;
          continue;
        }
        String data = e.get("data").asText();
        (data.startsWith("m") ? echoes : pushed).add(data);
      }
      assertThat(upgraded).isTrue();
      assertThat(echoes).containsExactlyElementsOf(atServer);
      assertThat(pushed).containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "s" + i).toList());
    }
  }

  @Test
  void theClientAnswersPingsAndTheSessionStaysOpen() {
    try (NodeScript client = client("both")) {
      String sid = client.await(event("open"), WAIT).get("sid").asText();
      client.await(4, event("ping"), WAIT);
      assertThat(server.engine().socket(sid)).isNotNull();
      assertThat(server.engine().socket(sid).isOpen()).isTrue();
      assertThat(client.events()).noneMatch(event("close"));
    }
  }

  @Test
  void aServerCloseReachesTheClient() {
    try (NodeScript client = client("websocket")) {
      String sid = client.await(event("open"), WAIT).get("sid").asText();
      server.awaitSocket(sid, WAIT).close();
      JsonNode close = client.await(event("close"), WAIT);
      assertThat(close.get("reason").asText()).isEqualTo("transport close");
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.FORCED_CLOSE);
    }
  }

  @Test
  void utf8TextSurvivesAsBytesOnTheServer() {
    try (NodeScript client = client("polling", "--send", "text:" + TEXT)) {
      String sid = client.await(event("open"), WAIT).get("sid").asText();
      String received = (String) server.awaitMessage(sid, WAIT);
      assertThat(received.getBytes(StandardCharsets.UTF_8)).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aServerCloseFlushesWhatIsQueuedFirstOverPolling() {
    assertServerCloseFlushes("polling");
  }

  @Test
  void aServerCloseFlushesWhatIsQueuedFirstOverWebSocket() {
    assertServerCloseFlushes("websocket");
  }

  private void assertServerCloseFlushes(String transport) {
    try (NodeScript client = client(transport, "--no-upgrade")) {
      String sid = client.await(event("open"), WAIT).get("sid").asText();
      EngineSocket socket = server.awaitSocket(sid, WAIT);
      socket.executor().execute(() -> {
        socket.send("last 1");
        socket.send(new byte[] {1, 2, 3});
        socket.send("last 2");
        socket.close();
      });
      assertText(client.await(event("message"), WAIT), "last 1");
      assertBinary(client.await(event("message"), WAIT), new byte[] {1, 2, 3});
      assertText(client.await(event("message"), WAIT), "last 2");
      client.await(event("close"), WAIT);
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.FORCED_CLOSE);
    }
  }

  @Test
  void shuttingTheServerDownClosesEverySession() {
    try (NodeScript polling = client("polling"); NodeScript ws = client("websocket")) {
      String a = polling.await(event("open"), WAIT).get("sid").asText();
      String b = ws.await(event("open"), WAIT).get("sid").asText();
      server.awaitSocket(a, WAIT);
      server.awaitSocket(b, WAIT);
      server.engine().close();
      assertThat(server.awaitClose(a, WAIT)).isEqualTo(CloseReason.SERVER_SHUTTING_DOWN);
      assertThat(server.awaitClose(b, WAIT)).isEqualTo(CloseReason.SERVER_SHUTTING_DOWN);
      polling.await(event("close"), WAIT);
      ws.await(event("close"), WAIT);
      assertThat(server.engine().clientsCount()).isZero();
    }
  }
}
