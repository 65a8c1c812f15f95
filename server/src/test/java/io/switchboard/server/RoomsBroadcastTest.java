package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** Rooms and broadcasting: to/in/except, socket.broadcast, volatile, local, and server-side socket management. */
class RoomsBroadcastTest {

  /** Three npm clients whose server sockets join the rooms named in their auth payload. */
  private static final class Three implements AutoCloseable {
    final TestServer t = new TestServer();
    final Map<String, Socket> byName = new ConcurrentHashMap<>();
    final NodeClient a;
    final NodeClient b;
    final NodeClient c;

    Three() {
      t.io.onConnection(s -> {
        String name = (String) s.handshake().auth().get("name");
        @SuppressWarnings("unchecked")
        List<String> rooms = (List<String>) s.handshake().auth().get("rooms");
        s.join(rooms);
        s.data(Map.of("name", name));
        byName.put(name, s);
        s.on("shout", (args, ack) -> ack.send(s.broadcast().emit("shout", name)));
        s.on("to", (args, ack) -> ack.send(s.to(args.string(0)).emit("room-shout", name)));
        s.emit("ready");
      });
      a = NodeClient.start(t.url(), "/", "--auth", "{\"name\":\"a\",\"rooms\":[\"r1\"]}");
      b = NodeClient.start(t.url(), "/", "--auth", "{\"name\":\"b\",\"rooms\":[\"r1\",\"r2\"]}");
      c = NodeClient.start(t.url(), "/", "--auth", "{\"name\":\"c\",\"rooms\":[\"r3\"]}");
      for (NodeClient n : List.of(a, b, c)) {
        n.awaitEvent("ready");
      }
    }

    /** Emits {@code event} through {@code op} plus a marker to everyone, and returns who got {@code event}. */
    Set<String> reached(String event, Runnable op) {
      op.run();
      t.io.emit("marker");
      Set<String> got = ConcurrentHashMap.newKeySet();
      Map<String, NodeClient> clients = Map.of("a", a, "b", b, "c", c);
      clients.forEach((name, n) -> {
        Predicate<JsonNode> either = e -> e.path("event").asText().equals("event")
            && (e.path("name").asText().equals(event) || e.path("name").asText().equals("marker"));
        JsonNode first = n.await(either);
        if (first.get("name").asText().equals(event)) {
          got.add(name);
          n.await(e -> e.path("name").asText().equals("marker"));
        }
      });
      return got;
    }

    @Override
    public void close() {
      a.close();
      b.close();
      c.close();
      t.close();
    }
  }

  @Test
  void roomTargetsExceptionsAndSelfExclusion() {
    try (Three x = new Three()) {
      assertThat(x.reached("e1", () -> x.t.io.to("r1").emit("e1"))).containsExactlyInAnyOrder("a", "b");
      assertThat(x.reached("e2", () -> x.t.io.to("r1").to("r2").emit("e2"))).containsExactlyInAnyOrder("a", "b");
      assertThat(x.reached("e3", () -> x.t.io.to("r1", "r3").emit("e3"))).containsExactlyInAnyOrder("a", "b", "c");
      assertThat(x.reached("e4", () -> x.t.io.to("r1").except("r2").emit("e4"))).containsExactly("a");
      assertThat(x.reached("e5", () -> x.t.io.except("r1").emit("e5"))).containsExactly("c");
      assertThat(x.reached("e6", () -> x.t.io.in("nobody").emit("e6"))).isEmpty();
      String bId = x.byName.get("b").id();
      assertThat(x.reached("e7", () -> x.t.io.to(bId).emit("e7"))).containsExactly("b");
      assertThat(x.reached("shout", () -> {
        x.a.emitWithAck(1, "shout");
        x.a.await("ack");
      })).containsExactlyInAnyOrder("b", "c");
      assertThat(x.reached("room-shout", () -> {
        x.b.emitWithAck(2, "to", "r1");
        x.b.await("ack");
      })).containsExactly("a");
      assertThat(x.reached("e8", () -> x.t.io.local().compress(false).emit("e8")))
          .containsExactlyInAnyOrder("a", "b", "c");
    }
  }

  @Test
  void roomsAreTrackedAndLeftOnDisconnect() throws Exception {
    try (Three x = new Three()) {
      Socket b = x.byName.get("b");
      assertThat(b.rooms()).containsExactlyInAnyOrder(b.id(), "r1", "r2");
      b.leave("r2");
      assertThat(b.rooms()).containsExactlyInAnyOrder(b.id(), "r1");
      Recorder server = new Recorder();
      b.onDisconnecting((r, d) -> server.record("disconnecting", b.rooms()));
      b.onDisconnect((r, d) -> server.record("disconnect", b.rooms(), r));
      x.b.disconnect();
      assertThat(server.await("disconnecting").arg(0)).isEqualTo(Set.of(b.id(), "r1"));
      Recorder.Event gone = server.await("disconnect");
      assertThat(gone.arg(0)).isEqualTo(Set.of());
      assertThat(gone.arg(1)).isEqualTo(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT);
      assertThat(x.t.io.sockets().adapter().rooms()).doesNotContain(b.id(), "r2");
      assertThat(x.t.io.sockets().adapter().sockets(Set.of("r1"))).containsExactly(x.byName.get("a").id());
    }
  }

  @Test
  void fetchSocketsJoinLeaveAndDisconnect() throws Exception {
    try (Three x = new Three()) {
      List<RemoteSocket> inR1 = x.t.io.in("r1").fetchSockets().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(inR1).extracting(s -> (Object) ((Map<?, ?>) s.data()).get("name")).containsExactlyInAnyOrder("a", "b");
      RemoteSocket a = inR1.stream().filter(s -> ((Map<?, ?>) s.data()).get("name").equals("a")).findFirst()
          .orElseThrow();
      assertThat(a.rooms()).contains("r1", a.id());
      assertThat(a.handshake().auth()).containsEntry("name", "a");
      a.emit("direct", 1);
      assertThat(x.a.awaitEvent("direct").get(0).asInt()).isEqualTo(1);

      x.t.io.in("r1").socketsJoin("r9");
      assertThat(x.reached("e9", () -> x.t.io.to("r9").emit("e9"))).containsExactlyInAnyOrder("a", "b");
      x.t.io.in("r9").except("r2").socketsLeave("r9");
      assertThat(x.reached("e10", () -> x.t.io.to("r9").emit("e10"))).containsExactly("b");
      a.join("solo");
      assertThat(x.reached("e11", () -> x.t.io.to("solo").emit("e11"))).containsExactly("a");

      x.t.io.in("r3").disconnectSockets(false);
      assertThat(x.c.await("disconnect").get("reason").asText()).isEqualTo("io server disconnect");
      // the client sees its DISCONNECT before the server has finished removing the socket: wait for the server
      Await.until("the disconnected socket is gone from the server", Duration.ofSeconds(5),
          () -> x.t.io.fetchSockets().toCompletableFuture().join().size() == 2);
    }
  }

  @Test
  void volatileEventsAreDroppedForAClientThatCannotTakeThem() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> server.record("connection", s));
      EngineHttpClient http = new EngineHttpClient(URI.create(t.url() + "/socket.io/"));
      EngineHttpClient.Handshake h = http.openPolling();
      http.push(h.sid(), "40");
      assertThat(http.poll(h.sid()).body()).startsWith("40{");
      Socket s = (Socket) server.await("connection").arg(0);
      // no GET is pending: the client cannot take a packet now
      assertThat(s.asVolatile().emit("dropped", 1)).isTrue();
      t.io.asVolatile().emit("dropped too", 2);
      s.emit("kept", 3);
      assertThat(http.poll(h.sid()).body()).isEqualTo("42[\"kept\",3]");
      var pending = http.pollAsync(h.sid());
      Await.until("the GET is held", Duration.ofSeconds(10), () -> s.client.conn.isWritable());
      s.asVolatile().emit("delivered", 4);
      assertThat(http.join(pending).body()).isEqualTo("42[\"delivered\",4]");
    }
  }

  @Test
  void aBroadcastIsEncodedOnceForAllRecipients() {
    java.util.concurrent.atomic.AtomicInteger encodings = new java.util.concurrent.atomic.AtomicInteger();
    com.fasterxml.jackson.core.JsonFactory counting = new com.fasterxml.jackson.core.JsonFactory() {
      @Override
      public com.fasterxml.jackson.core.JsonGenerator createGenerator(java.io.Writer w) throws java.io.IOException {
        encodings.incrementAndGet();
        return super.createGenerator(w);
      }
    };
    ServerOptions options = ServerOptions.builder()
        .objectMapper(new com.fasterxml.jackson.databind.ObjectMapper(counting)).build();
    try (TestServer t = new TestServer(options); NodeClient a = NodeClient.start(t.url(), "/");
        NodeClient b = NodeClient.start(t.url(), "/"); NodeClient c = NodeClient.start(t.url(), "/")) {
      for (NodeClient n : List.of(a, b, c)) {
        n.connected();
      }
      int before = encodings.get();
      t.io.emit("news", Map.of("title", "once"), new byte[] {1});
      for (NodeClient n : List.of(a, b, c)) {
        assertThat(n.awaitEvent("news").get(0).get("title").asText()).isEqualTo("once");
      }
      assertThat(encodings.get() - before).isEqualTo(1);
    }
  }

  @Test
  void aBroadcastSentAsSoonAsTheClientSeesItsConnectReplyReachesIt() {
    try (TestServer t = new TestServer()) {
      EngineHttpClient http = new EngineHttpClient(URI.create(t.url() + "/socket.io/"));
      Duration wait = Duration.ofSeconds(10);
      for (int i = 0; i < 50; i++) {
        try (io.switchboard.testkit.WebSocketRecorder ws = http.websocket("transport=websocket").autoPong(true)) {
          assertThat(ws.awaitText(wait)).startsWith("0{");
          ws.sendText("40");
          assertThat(ws.awaitText(wait)).startsWith("40{\"sid\":");
          t.io.emit("right-after", i);
          assertThat(ws.awaitText(wait)).isEqualTo("42[\"right-after\"," + i + "]");
        }
      }
    }
  }
}
