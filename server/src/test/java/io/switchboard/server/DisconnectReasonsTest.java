package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.EngineOptions;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each disconnect reason of the reference server, as the application's disconnect listener sees it. */
class DisconnectReasonsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A server that records each socket's disconnect reason; clients are raw WebSockets. */
  private static final class Fixture implements AutoCloseable {
    final TestServer t;
    final Recorder server = new Recorder();
    final EngineHttpClient http;

    Fixture(ServerOptions options) {
      t = new TestServer(options);
      t.io.onConnection(s -> {
        s.onDisconnect((reason, description) -> server.record("disconnect", reason, description));
        s.on("anything", (args, ack) -> server.record("event reached the application"));
        server.record("connection", s);
      });
      http = new EngineHttpClient(URI.create(t.url() + "/socket.io/"));
    }

    Fixture() {
      this(ServerOptions.DEFAULT);
    }

    WebSocketRecorder connect(boolean autoPong) {
      WebSocketRecorder ws = http.websocket("transport=websocket").autoPong(autoPong);
      assertThat(ws.awaitText(WAIT)).startsWith("0{");
      ws.sendText("40");
      assertThat(ws.awaitText(WAIT)).startsWith("40{");
      return ws;
    }

    Socket socket() {
      return (Socket) server.await("connection").arg(0);
    }

    DisconnectReason reason() {
      return (DisconnectReason) server.await("disconnect").arg(0);
    }

    @Override
    public void close() {
      t.close();
    }
  }

  @Test
  void clientNamespaceDisconnect() {
    try (Fixture f = new Fixture()) {
      WebSocketRecorder ws = f.connect(true);
      f.socket();
      ws.sendText("41");
      assertThat(f.reason()).isEqualTo(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
    }
  }

  @Test
  void serverNamespaceDisconnectKeepsTheConnection() {
    try (Fixture f = new Fixture()) {
      WebSocketRecorder ws = f.connect(true);
      f.socket().disconnect(false);
      assertThat(ws.awaitText(WAIT)).isEqualTo("41");
      assertThat(f.reason()).isEqualTo(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
      ws.sendText("40");
      assertThat(ws.awaitText(WAIT)).startsWith("40{");
    }
  }

  @Test
  void disconnectWithCloseEndsTheConnection() {
    try (Fixture f = new Fixture()) {
      WebSocketRecorder ws = f.connect(true);
      f.socket().disconnect(true);
      assertThat(ws.awaitText(WAIT)).isEqualTo("41");
      assertThat(f.reason()).isEqualTo(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
    }
  }

  @Test
  void transportClose() {
    try (Fixture f = new Fixture()) {
      WebSocketRecorder ws = f.connect(true);
      f.socket();
      ws.close();
      assertThat(f.reason()).isEqualTo(DisconnectReason.TRANSPORT_CLOSE);
    }
  }

  @Test
  void pingTimeout() {
    try (Fixture f = new Fixture(ServerOptions.builder().engine(EngineOptions.builder()
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200)).build()).build())) {
      f.connect(false);
      f.socket();
      assertThat(f.reason()).isEqualTo(DisconnectReason.PING_TIMEOUT);
    }
  }

  @Test
  void parseErrorNeverReachesTheApplication() {
    try (Fixture f = new Fixture()) {
      WebSocketRecorder ws = f.connect(true);
      f.socket();
      ws.sendText("42[\"anything\"");
      Recorder.Event e = f.server.await("disconnect");
      assertThat(e.arg(0)).isEqualTo(DisconnectReason.PARSE_ERROR);
      assertThat(e.arg(1)).isEqualTo("parse error");
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
      f.server.assertNone(Duration.ofMillis(200));
    }
  }

  @Test
  void forcedCloseOfTheEngineSession() {
    try (Fixture f = new Fixture()) {
      f.connect(true);
      Socket s = f.socket();
      f.t.io.engine().socket(s.connectionId()).close();
      assertThat(f.reason()).isEqualTo(DisconnectReason.FORCED_CLOSE);
    }
  }

  @Test
  void serverShuttingDown() {
    try (Fixture f = new Fixture()) {
      WebSocketRecorder ws = f.connect(true);
      f.socket();
      f.t.io.close();
      assertThat(f.reason()).isEqualTo(DisconnectReason.SERVER_SHUTTING_DOWN);
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
    }
  }

  @Test
  void aConnectionThatJoinsNoNamespaceIsClosedAfterConnectTimeout() {
    try (Fixture f = new Fixture(ServerOptions.builder().connectTimeout(Duration.ofMillis(500)).build())) {
      WebSocketRecorder ws = f.http.websocket("transport=websocket").autoPong(true);
      assertThat(ws.awaitText(WAIT)).startsWith("0{");
      long start = System.nanoTime();
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
      assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(400).toNanos());
    }
  }

  @Test
  void npmClientSeesServerDisconnects() {
    try (Fixture f = new Fixture(); NodeClient c = NodeClient.start(f.t.url(), "/", "--transports", "polling")) {
      c.connected();
      f.socket().disconnect(false);
      assertThat(c.await("disconnect").get("reason").asText()).isEqualTo("io server disconnect");
      assertThat(f.reason()).isEqualTo(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    }
  }
}
