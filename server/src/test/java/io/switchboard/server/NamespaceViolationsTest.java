package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A packet for a namespace the client is not in closes the connection, as the reference server's {@code Client} does
 * (also while the CONNECT is still running its middlewares); the one exception is a namespace the server has just
 * disconnected the client from, whose packets still in flight are dropped. Event names that look like framework
 * internals are ordinary events.
 */
class NamespaceViolationsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private TestServer t;
  private EngineHttpClient http;
  private final Recorder app = new Recorder();
  private final CompletableFuture<Next> parked = new CompletableFuture<>();

  @BeforeEach
  void start() {
    t = new TestServer();
    for (String name : new String[] {"/", "/custom"}) {
      t.io.of(name).onConnection(s -> {
        s.on("message", (args, ack) -> {
          app.record("message " + name, args.string(0));
          s.emit("message-back", args.toArray());
        });
        s.onDisconnect((reason, description) -> app.record("disconnect " + name, reason));
        app.record("connection " + name, s);
      });
    }
    t.io.of("/slow").use((socket, next) -> parked.complete(next));
    t.io.of("/slow").onConnection(s -> app.record("connection /slow", s));
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
    app.await("connection /");
    return ws;
  }

  private Socket joinCustom(WebSocketRecorder ws) {
    ws.sendText("40/custom,");
    assertThat(ws.awaitText(WAIT)).startsWith("40/custom,{\"sid\":");
    return (Socket) app.await("connection /custom").arg(0);
  }

  private void assertStillServed(WebSocketRecorder ws) {
    ws.sendText("42[\"message\",\"still here\"]");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",\"still here\"]");
    assertThat(app.await("message /").arg(0)).isEqualTo("still here");
  }

  @ParameterizedTest
  @ValueSource(strings = {"42/custom,[\"message\",\"x\"]", "43/custom,1[]", "41/custom,",
      "451-/custom,[\"message\",{\"_placeholder\":true,\"num\":0}]"})
  void aPacketForANamespaceNotJoinedClosesTheConnection(String packet) {
    WebSocketRecorder ws = connected();
    ws.sendText(packet);
    if (packet.startsWith("45")) {
      ws.sendBinary(new byte[] {1});
    }
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
    assertThat(app.await("disconnect /").arg(0)).isEqualTo(DisconnectReason.FORCED_SERVER_CLOSE);
    app.assertNone(Duration.ofMillis(200));     // no handler of /custom ran
  }

  @Test
  void anEventBeforeAnyConnectClosesTheConnectionAtOnce() {
    WebSocketRecorder ws = open();
    long start = System.nanoTime();
    ws.sendText("42[\"message\",\"x\"]");
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
    // well before the connect timeout (10 s)
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    app.assertNone(Duration.ofMillis(200));
  }

  @Test
  void anEventWhileTheConnectIsStillInProgressClosesTheConnectionAsTheReferenceDoes() throws Exception {
    WebSocketRecorder ws = connected();
    ws.sendText("40/slow,");
    Next next = parked.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);   // the middleware holds the CONNECT
    ws.sendText("42/slow,[\"message\",\"too early\"]");
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
    assertThat(app.await("disconnect /").arg(0)).isEqualTo(DisconnectReason.FORCED_SERVER_CLOSE);
    next.proceed();
    app.assertNone(Duration.ofMillis(200));     // the late CONNECT found the client gone
    assertThat(t.io.of("/slow").sockets()).isEmpty();
  }

  @Test
  void packetsInFlightWhenTheServerDisconnectedTheNamespaceAreDropped() {
    WebSocketRecorder ws = connected();
    Socket custom = joinCustom(ws);
    custom.disconnect(false);
    assertThat(ws.awaitText(WAIT)).isEqualTo("41/custom,");
    assertThat(app.await("disconnect /custom").arg(0)).isEqualTo(DisconnectReason.SERVER_NAMESPACE_DISCONNECT);
    ws.sendText("42/custom,[\"message\",\"sent before the client saw the DISCONNECT\"]");
    ws.sendText("43/custom,5[]");
    assertStillServed(ws);
    // joining again makes the namespace usable again
    joinCustom(ws);
    ws.sendText("42/custom,[\"message\",\"back\"]");
    assertThat(ws.awaitText(WAIT)).isEqualTo("42/custom,[\"message-back\",\"back\"]");
    assertThat(app.await("message /custom").arg(0)).isEqualTo("back");
  }

  @Test
  void aPacketAfterTheClientsOwnDisconnectClosesTheConnection() {
    WebSocketRecorder ws = connected();
    joinCustom(ws);
    ws.sendText("41/custom,");
    assertThat(app.await("disconnect /custom").arg(0)).isEqualTo(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
    ws.sendText("42/custom,[\"message\",\"after leaving\"]");
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
    assertThat(app.await("disconnect /").arg(0)).isEqualTo(DisconnectReason.FORCED_SERVER_CLOSE);
  }

  @Test
  void eventNamesLikeFrameworkInternalsAreOrdinaryEvents() {
    WebSocketRecorder ws = open();
    ws.sendText("40");
    assertThat(ws.awaitText(WAIT)).startsWith("40{\"sid\":");
    Socket s = (Socket) app.await("connection /").arg(0);
    for (String name : new String[] {"error", "__proto__", "constructor", "toString", "hasOwnProperty"}) {
      s.on(name, (args, ack) -> app.record("event " + name, args.size()));
    }
    s.onError(e -> app.record("error listener", e));
    ws.sendText("42[\"error\",\"x\"]");
    assertThat(app.await("event error").arg(0)).isEqualTo(1);
    ws.sendText("42[\"__proto__\"]");
    assertThat(app.await("event __proto__").arg(0)).isEqualTo(0);
    ws.sendText("42[\"constructor\"]");
    assertThat(app.await("event constructor").arg(0)).isEqualTo(0);
    ws.sendText("42[\"toString\",{\"__proto__\":{\"polluted\":true}}]");
    assertThat(app.await("event toString").arg(0)).isEqualTo(1);
    ws.sendText("42[\"hasOwnProperty\"]");
    assertThat(app.await("event hasOwnProperty").arg(0)).isEqualTo(0);
    assertStillServed(ws);
    app.assertNone(Duration.ofMillis(100));     // the error listener never ran
  }
}
