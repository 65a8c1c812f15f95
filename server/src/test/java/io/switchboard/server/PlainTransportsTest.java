package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Socket.IO, plain WebSocket and Server-Sent Events clients in one room on one server, driven by clients nobody here
 * wrote (npm socket.io-client, npm ws 8, Node's http for the stream): one broadcast reaches all three; the adapter's
 * fetchSockets, socketsJoin/Leave and disconnectSockets see the plain ones; bad input on the plain endpoint gets its
 * RFC 6455 close code and harms no one; a junk Last-Event-ID gets a fresh stream; a known one resumes.
 */
class PlainTransportsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void oneBroadcastReachesTheThreeTransportsAndTheAdapterSeesThemAll() throws Exception {
    try (TestServer t = new TestServer()) {
      PlainClients.serveJoin(t.io);
      try (NodeScript c = PlainClients.start(t.io.port(), t.io.port(), "prices")) {
        t.io.to("prices").emit("price", Map.of("sym", "ACME", "px", 12.5));
        PlainClients.assertAllGot(c, "price", JSON.readTree("[{\"sym\":\"ACME\",\"px\":12.5}]"));

        // binary arguments: base64 in the plain forms
        t.io.to("prices").emit("blob", "x", new byte[] {1, 2, 3});
        List<JsonNode> blob = c.await(3, e -> e.path("name").asText().equals("blob"), WAIT);
        for (JsonNode e : blob) {
          assertThat(e.get("data").get(1).asText()).isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
        }

        List<RemoteSocket> inRoom = t.io.in("prices").fetchSockets().toCompletableFuture().get();
        assertThat(inRoom).hasSize(3);
        t.io.in("prices").socketsJoin("vip");
        Await.until(WAIT, () -> t.io.sockets().adapter().sockets(Set.of("vip")).size() == 3);
        t.io.to("vip").emit("vip", 1);
        PlainClients.assertAllGot(c, "vip", JSON.readTree("[1]"));
        t.io.in("prices").socketsLeave("vip");
        Await.until(WAIT, () -> t.io.sockets().adapter().sockets(Set.of("vip")).isEmpty());

        t.io.in("prices").disconnectSockets(true);
        List<JsonNode> closed = c.await(3, NodeScript.event("closed"), WAIT);
        assertThat(closed).extracting(e -> e.get("transport").asText())
            .containsExactlyInAnyOrder("sio", "ws", "sse");
        Await.until(WAIT, () -> t.io.sockets().adapter().rooms().isEmpty());
      }
    }
  }

  @Test
  void badInputOnThePlainEndpointGetsItsCloseCodeAndHarmsNoOneElse() throws Exception {
    try (TestServer t = new TestServer()) {
      PlainClients.serveJoin(t.io);
      try (NodeScript bad = PlainClients.start(t.io.port(), t.io.port(), "r");
          NodeScript good = PlainClients.start(t.io.port(), t.io.port(), "r")) {
        var cmd = NodeScript.command().put("op", "ws-raw")
            .put("base64", Base64.getEncoder().encodeToString(new byte[] {(byte) 0xc3, (byte) 0x28}));
        bad.send(cmd);
        JsonNode closed = bad.await(e -> e.path("event").asText().equals("closed")
            && e.path("transport").asText().equals("ws"), WAIT);
        assertThat(closed.get("code").asInt()).isEqualTo(1007);
        t.io.to("r").emit("after", "still here");
        PlainClients.assertAllGot(good, "after", JSON.readTree("[\"still here\"]"));
      }
    }
  }

  @Test
  void aJunkLastEventIdGetsAFreshStreamAndAKnownOneResumes() throws Exception {
    ServerOptions recovery = ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.DEFAULT).build();
    try (TestServer t = new TestServer(recovery)) {
      PlainClients.serveJoin(t.io);
      String first;
      try (NodeScript c = NodeScript.start("plain-clients.mjs", "--sse",
          "http://127.0.0.1:" + t.io.port() + "/events", "--room", "news", "--last-event-id", "junk\u00e9-1")) {
        c.await(NodeScript.event("ready"), WAIT);
        JsonNode reset = c.await(e -> e.path("name").asText().equals("reset"), WAIT);
        assertThat(reset.get("data").get("resumed").asBoolean()).isFalse();
        t.io.to("news").emit("n", 1);
        JsonNode one = c.await(e -> e.path("name").asText().equals("n"), WAIT);
        assertThat(one.get("data").asInt()).isEqualTo(1);
        first = one.get("id").asText();
        assertThat(first).isNotEmpty();
      }
      t.io.to("news").emit("n", 2);  // while it is away
      t.io.to("elsewhere").emit("n", 99);
      t.io.to("news").emit("n", 3);
      try (NodeScript c = NodeScript.start("plain-clients.mjs", "--sse",
          "http://127.0.0.1:" + t.io.port() + "/events", "--room", "news", "--last-event-id", first)) {
        List<JsonNode> missed = c.await(2, e -> e.path("name").asText().equals("n"), WAIT);
        assertThat(missed).extracting(e -> e.get("data").asInt()).containsExactly(2, 3);
        t.io.to("news").emit("n", 4);
        assertThat(c.await(e -> e.path("name").asText().equals("n"), WAIT).get("data").asInt()).isEqualTo(4);
        assertThat(c.events()).noneMatch(e -> e.path("name").asText().equals("reset"));
      }
    }
  }
}
