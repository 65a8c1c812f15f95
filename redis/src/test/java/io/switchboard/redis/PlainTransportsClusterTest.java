package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.PlainClients;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.testkit.NodeScript;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Socket.IO, plain WebSocket and Server-Sent Events clients of two servers in one room, through Redis (the pub/sub
 * adapter and the streams adapter): a broadcast on either server reaches the six, and fetchSockets on one server
 * counts the plain clients of the other. Clients: npm socket.io-client, npm ws 8, Node's http for the stream.
 */
class PlainTransportsClusterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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
