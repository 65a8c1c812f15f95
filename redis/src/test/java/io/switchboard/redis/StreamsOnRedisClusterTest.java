package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.Await;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.ServerOptions;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The cluster adapter contract on a 3-master Redis Cluster, the streams adapter with connection state recovery on and
 * requests on sharded pub/sub.
 */
class StreamsOnRedisClusterTest extends RedisClusterSupport {
  @Override
  protected ServerOptions.Builder serverOptions() {
    return ServerOptions.builder().connectionStateRecovery(new ConnectionStateRecovery(Duration.ofSeconds(30), true));
  }

  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    return resources.keep(cluster, RedisStreamsAdapterFactory.createCluster(redisCluster.uris(),
        StreamsRedisClusterTest.options(cluster).toBuilder().useShardedPubSub(true).build()));
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    return subscriber(cluster + "#/#", true);
  }

  @Test
  void aClientRecoversOnAnotherServerWithEveryMissedEvent() {
    try (RecoveryClient c = RecoveryClient.start("http://127.0.0.1:" + server(0).port(), "c", "r")) {
      JsonNode first = c.awaitConnect();
      c.until("joined", () -> !c.messages("joined").isEmpty(), WAIT);
      for (int i = 1; i <= 10; i++) {
        server(2).to("r").emit("n", i);
      }
      c.until("ten", () -> c.numbers("n").size() == 10, WAIT);
      c.retarget("http://127.0.0.1:1");
      c.drop();
      Await.until("the socket left server 0", java.time.Duration.ofSeconds(20), () -> server(0).sockets().sockets().isEmpty());
      for (int i = 11; i <= 30; i++) {
        server(2).to("r").emit("n", i);
      }
      c.retarget("http://127.0.0.1:" + server(1).port());
      JsonNode second = c.awaitConnect();
      assertThat(second.get("recovered").asBoolean()).isTrue();
      assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
      server(0).to("r").emit("n", 31);
      c.until("all", () -> c.numbers("n").contains(31), WAIT);
      assertThat(c.numbers("n")).containsExactlyElementsOf(IntStream.rangeClosed(1, 31).boxed().toList());
    }
  }
}
