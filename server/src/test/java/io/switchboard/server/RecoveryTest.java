package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connection state recovery: id, rooms, data and missed broadcasts come back; the private id works once. */
class RecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ServerOptions recovery() {
    return ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.DEFAULT).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"websocket", "polling", "both"})
  void npmClientRecoversIdRoomsDataAndMissedEventsInOrder(String transports) {
    try (TestServer t = new TestServer(recovery());
        NodeClient c = NodeClient.start(t.url(), "/", "--reconnect", "--transports", transports)) {
      Recorder server = new Recorder();
      t.io.onConnection(socket -> {
        server.record("connection", socket.id(), socket.recovered(), socket.rooms(), socket.data());
        if (!socket.recovered()) {
          socket.join("room1");
          socket.data(Map.of("user", "ann"));
        }
        socket.onDisconnect((reason, description) -> {
          server.record("disconnect", reason);
          t.io.to("room1").emit("missed", 2);
          t.io.to("room1").emit("missed", 3);
          t.io.to("other").emit("not-for-me");
        });
      });
      JsonNode first = c.connected();
      assertThat(first.get("recovered").asBoolean()).isFalse();
      Recorder.Event conn = server.await("connection");
      t.io.to("room1").emit("missed", 1);
      assertThat(c.awaitEvent("missed").get(0).asInt()).isEqualTo(1);

      c.dropTransport();
      assertThat(server.await("disconnect").arg(0)).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
      JsonNode second = c.await("connect");
      assertThat(second.get("recovered").asBoolean()).isTrue();
      assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
      Recorder.Event again = server.await("connection");
      assertThat(again.arg(0)).isEqualTo(conn.arg(0));
      assertThat(again.arg(1)).isEqualTo(true);
      assertThat((java.util.Set<Object>) again.arg(2)).contains("room1", conn.arg(0));
      assertThat(again.arg(3)).isEqualTo(Map.of("user", "ann"));
      assertThat(c.awaitEvent("missed").get(0).asInt()).isEqualTo(2);
      assertThat(c.awaitEvent("missed").get(0).asInt()).isEqualTo(3);
      t.io.to("room1").emit("live", 4);
      assertThat(c.awaitEvent("live").get(0).asInt()).isEqualTo(4);
    }
  }

  /** A recorder of the server-side "disconnect" events of every socket of {@code t}. */
  private static Recorder recordDisconnects(TestServer t) {
    Recorder server = new Recorder();
    t.io.onConnection(socket -> socket.onDisconnect((r, d) -> server.record("disconnect", r)));
    return server;
  }

  /** A raw Engine.IO client of {@code t}'s Socket.IO endpoint. */
  private static EngineHttpClient socketIo(TestServer t) {
    return new EngineHttpClient(URI.create(t.url() + "/socket.io/"));
  }

  private static WebSocketRecorder open(EngineHttpClient http) {
    WebSocketRecorder ws = http.websocket("transport=websocket").autoPong(true);
    assertThat(ws.awaitText(WAIT)).startsWith("0{");
    return ws;
  }

  private static JsonNode connect(WebSocketRecorder ws, String auth) throws Exception {
    ws.sendText("40" + auth);
    String reply = ws.awaitText(WAIT);
    assertThat(reply).startsWith("40{");
    return JSON.readTree(reply.substring(2));
  }

  @Test
  void aClientThatReceivedNoEventStillRecovers() throws Exception {
    try (TestServer t = new TestServer(recovery())) {
      Recorder server = new Recorder();
      t.io.onConnection(socket -> {
        socket.onDisconnect((r, d) -> server.record("disconnect", r));
        server.record("connection", socket.recovered());
      });
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      assertThat(server.await("connection").arg(0)).isEqualTo(false);
      ws.close();
      server.await("disconnect");
      t.io.emit("while-away", "x");

      WebSocketRecorder back = open(http);
      JsonNode again = connect(back, "{\"pid\":\"" + hello.get("pid").asText() + "\"}");
      assertThat(again.get("sid").asText()).isEqualTo(hello.get("sid").asText());
      assertThat(again.get("pid").asText()).isEqualTo(hello.get("pid").asText());
      assertThat(back.awaitText(WAIT)).matches("42\\[\"while-away\",\"x\",\"[^\"]+\"]");
      assertThat(server.await("connection").arg(0)).isEqualTo(true);
    }
  }

  @Test
  void aPrivateIdWorksOnceAndTheOffsetSelectsWhatIsReplayed() throws Exception {
    try (TestServer t = new TestServer(recovery())) {
      Recorder server = recordDisconnects(t);
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      t.io.emit("n", 1);
      String one = ws.awaitText(WAIT);
      String offset1 = JSON.readTree(one.substring(2)).get(2).asText();
      t.io.emit("n", 2);
      assertThat(ws.awaitText(WAIT)).startsWith("42[\"n\",2,");
      ws.close();
      server.await("disconnect");
      t.io.emit("n", 3);

      String auth = "{\"pid\":\"" + hello.get("pid").asText() + "\",\"offset\":\"" + offset1 + "\"}";
      WebSocketRecorder back = open(http);
      JsonNode again = connect(back, auth);
      assertThat(again.get("sid").asText()).isEqualTo(hello.get("sid").asText());
      assertThat(back.awaitText(WAIT)).startsWith("42[\"n\",2,");
      assertThat(back.awaitText(WAIT)).startsWith("42[\"n\",3,");

      WebSocketRecorder replay = open(http);
      JsonNode fresh = connect(replay, auth);
      assertThat(fresh.get("sid").asText()).isNotEqualTo(hello.get("sid").asText());
      assertThat(replay.poll(Duration.ofMillis(300))).isNull();
    }
  }

  @Test
  void anUnknownOrForgedOffsetGivesAFreshSession() throws Exception {
    try (TestServer t = new TestServer(recovery())) {
      Recorder server = recordDisconnects(t);
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      ws.close();
      server.await("disconnect");
      WebSocketRecorder back = open(http);
      JsonNode again = connect(back, "{\"pid\":\"" + hello.get("pid").asText() + "\",\"offset\":\"zz-99\"}");
      assertThat(again.get("sid").asText()).isNotEqualTo(hello.get("sid").asText());
    }
  }

  @Test
  void noBroadcastIsLostOrDuplicatedAcrossAReconnection() throws Exception {
    try (TestServer t = new TestServer(recovery())) {
      Recorder server = recordDisconnects(t);
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      AtomicInteger counter = new AtomicInteger();
      Thread pump = new Thread(() -> {
        while (counter.get() < 400) {
          t.io.emit("seq", counter.incrementAndGet());
          Thread.onSpinWait();
        }
      });
      pump.start();
      Map<Integer, Boolean> got = new ConcurrentHashMap<>();
      String lastOffset = null;
      int last = 0;
      while (last < 50) {
        JsonNode e = JSON.readTree(ws.awaitText(WAIT).substring(2));
        last = e.get(1).asInt();
        got.put(last, true);
        lastOffset = e.get(2).asText();
      }
      ws.close();
      server.await("disconnect");
      WebSocketRecorder back = open(http);
      connect(back, "{\"pid\":\"" + hello.get("pid").asText() + "\",\"offset\":\"" + lastOffset + "\"}");
      pump.join();
      int expected = last + 1;
      while (expected <= 400) {
        JsonNode e = JSON.readTree(back.awaitText(WAIT).substring(2));
        assertThat(e.get(1).asInt()).as("in order, no gap, no duplicate").isEqualTo(expected);
        expected++;
      }
    }
  }

  @Test
  void middlewaresRunForARecoveredSocketWhenNotSkipped() throws Exception {
    ServerOptions options = ServerOptions.builder()
        .connectionStateRecovery(new ConnectionStateRecovery(Duration.ofMinutes(1), false)).build();
    try (TestServer t = new TestServer(options)) {
      Recorder server = new Recorder();
      t.io.use((socket, next) -> {
        server.record("middleware", socket.recovered(), socket.data());
        next.proceed();
      });
      t.io.onConnection(socket -> {
        socket.data("kept");
        socket.onDisconnect((r, d) -> server.record("disconnect", r));
      });
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      assertThat(server.await("middleware").args()).containsExactly(false, null);
      ws.close();
      server.await("disconnect");
      WebSocketRecorder back = open(http);
      JsonNode again = connect(back, "{\"pid\":\"" + hello.get("pid").asText() + "\"}");
      assertThat(again.get("sid").asText()).isEqualTo(hello.get("sid").asText());
      assertThat(server.await("middleware").args()).containsExactly(true, "kept");
    }
  }

  @Test
  void aSessionExpiresAfterMaxDisconnectionDuration() throws Exception {
    ServerOptions options = ServerOptions.builder()
        .connectionStateRecovery(new ConnectionStateRecovery(Duration.ofMillis(300), true)).build();
    try (TestServer t = new TestServer(options)) {
      Recorder server = recordDisconnects(t);
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      ws.close();
      server.await("disconnect");
      Thread.sleep(700); // the point of the test: time passes beyond maxDisconnectionDuration
      WebSocketRecorder back = open(http);
      JsonNode again = connect(back, "{\"pid\":\"" + hello.get("pid").asText() + "\"}");
      assertThat(again.get("sid").asText()).isNotEqualTo(hello.get("sid").asText());
    }
  }

  @Test
  void whenMissedPacketsWereDroppedByTheStoreBoundTheClientGetsAFreshSession() throws Exception {
    ServerOptions options = ServerOptions.builder()
        .connectionStateRecovery(new ConnectionStateRecovery(Duration.ofMinutes(1), true, 3)).build();
    try (TestServer t = new TestServer(options)) {
      Recorder server = recordDisconnects(t);
      EngineHttpClient http = socketIo(t);
      WebSocketRecorder ws = open(http);
      JsonNode hello = connect(ws, "");
      ws.close();
      server.await("disconnect");
      for (int i = 0; i < 5; i++) {
        t.io.emit("n", i);
      }
      WebSocketRecorder back = open(http);
      JsonNode again = connect(back, "{\"pid\":\"" + hello.get("pid").asText() + "\"}");
      assertThat(again.get("sid").asText()).isNotEqualTo(hello.get("sid").asText());
    }
  }
}
