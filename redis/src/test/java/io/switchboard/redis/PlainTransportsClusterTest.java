package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.PlainClients;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket.IO, plain WebSocket and Server-Sent Events clients of two servers in one room, through Redis (the pub/sub
 * adapter and the streams adapter): a broadcast on either server reaches the six, and fetchSockets on one server
 * counts the plain clients of the other. Clients: npm socket.io-client, npm ws 8, Node's http for the stream.
 */
class PlainTransportsClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static AdapterFactory adapter(String kind, String key) {
    return kind.equals("pubsub")
        ? RedisAdapterFactory.create(RedisTests.URI, RedisAdapterOptions.builder().key(key).build())
        : RedisStreamsAdapterFactory.create(RedisTests.URI, RedisStreamsAdapterOptions.builder().streamName(key)
            .build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"pubsub", "streams"})
  void aBroadcastOnEitherServerReachesTheThreeTransportsOnBoth(String kind) throws Exception {
    RedisTests.requireRedis();
    String key = RedisTests.uniqueKey("plain");
    AdapterFactory fa = adapter(kind, key);
    AdapterFactory fb = adapter(kind, key);
    try (Server a = new Server(ServerOptions.builder().adapter(fa).build());
        Server b = new Server(ServerOptions.builder().adapter(fb).build())) {
      for (Server s : List.of(a, b)) {
        PlainClients.serveJoin(s);
        s.listen(new InetSocketAddress("127.0.0.1", 0));
      }
      try (NodeScript onA = PlainClients.start(a.port(), a.port(), "prices");
          NodeScript onB = PlainClients.start(b.port(), b.port(), "prices")) {
        a.to("prices").emit("price", Map.of("sym", "ACME", "px", 12.5));
        PlainClients.assertAllGot(onA, "price", JSON.readTree("[{\"sym\":\"ACME\",\"px\":12.5}]"));
        PlainClients.assertAllGot(onB, "price", JSON.readTree("[{\"sym\":\"ACME\",\"px\":12.5}]"));
        b.to("prices").emit("tick", 2);
        PlainClients.assertAllGot(onA, "tick", JSON.readTree("[2]"));
        PlainClients.assertAllGot(onB, "tick", JSON.readTree("[2]"));

        List<RemoteSocket> all = a.in("prices").fetchSockets().toCompletableFuture().get();
        assertThat(all).hasSize(6);
      }
    } finally {
      closeQuietly(fa);
      closeQuietly(fb);
      if (kind.equals("streams")) {
        RedisTests.deleteKey(key);
      }
    }
  }

  /** An SSE stream that read one event from server A resumes on server B from its id: what it missed, once, in order. */
  @Test
  void anEventStreamResumesOnAnotherServerFromTheRedisStream() throws Exception {
    RedisTests.requireRedis();
    String key = RedisTests.uniqueKey("plain-resume");
    AdapterFactory fa = adapter("streams", key);
    AdapterFactory fb = adapter("streams", key);
    ServerOptions.Builder options = ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.DEFAULT);
    try (Server a = new Server(options.adapter(fa).build());
        Server b = new Server(options.adapter(fb).build())) {
      for (Server s : List.of(a, b)) {
        PlainClients.serveJoin(s);
        s.listen(new InetSocketAddress("127.0.0.1", 0));
      }
      String seen;
      try (NodeScript c = NodeScript.start("plain-clients.mjs", "--sse", "http://127.0.0.1:" + a.port() + "/events",
          "--room", "news")) {
        c.await(NodeScript.event("ready"), WAIT);
        a.to("news").emit("n", 1);
        JsonNode one = c.await(e -> e.path("name").asText().equals("n"), WAIT);
        assertThat(one.get("data").asInt()).isEqualTo(1);
        seen = one.get("id").asText();
      }
      long before = RedisTests.streamLength(key);
      a.to("news").emit("n", 2);
      a.to("other").emit("n", 99);
      // two servers' emits have no order between them until both are in the stream: let A's land first
      Await.until("A's two entries in the stream", WAIT, () -> RedisTests.streamLength(key) >= before + 2);
      b.to("news").emit("n", 3);
      try (NodeScript c = NodeScript.start("plain-clients.mjs", "--sse", "http://127.0.0.1:" + b.port() + "/events",
          "--room", "news", "--last-event-id", seen)) {
        List<JsonNode> missed = c.await(2, e -> e.path("name").asText().equals("n"), WAIT);
        assertThat(missed).extracting(e -> e.get("data").asInt()).containsExactly(2, 3);
        a.to("news").emit("n", 4);
        assertThat(c.await(e -> e.path("name").asText().equals("n"), WAIT).get("data").asInt()).isEqualTo(4);
        assertThat(c.events()).noneMatch(e -> e.path("name").asText().equals("reset"));
      }
    } finally {
      closeQuietly(fa);
      closeQuietly(fb);
      RedisTests.deleteKey(key);
    }
  }

  private static void closeQuietly(AdapterFactory f) {
    if (f instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // the test's outcome is already decided
      }
    }
  }
}
