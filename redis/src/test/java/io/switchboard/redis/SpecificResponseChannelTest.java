package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.Args;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.cluster.ClusterClient;
import io.switchboard.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The classic mode with publishOnSpecificResponseChannel on, Java and Node servers together. */
class SpecificResponseChannelTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  @Test
  void requestsAreAnsweredOnTheRequestersOwnChannel() {
    String key = RedisTests.uniqueKey("specific");
    RedisAdapterOptions opts = RedisAdapterOptions.builder().key(key).publishOnSpecificResponseChannel(true).build();
    try (JavaNode j0 = JavaNode.start("java0", opts); JavaNode j1 = JavaNode.start("java1", opts);
        NodeRedisServer node = NodeRedisServer.start(key, "classic", "--specific")) {
      Await.until("three servers", WAIT, () -> j0.serverCount() == 3);
      ClusterClient a = j0.client("a", "r");
      ClusterClient b = j1.client("b", "r");
      ClusterClient n = ClusterClient.connect(node.url(), "n", "r", WAIT);
      try (n) {
        List<RemoteSocket> found = ClusterAdapterContractAccess.get(j0.io.in("r").fetchSockets());
        assertThat(found).extracting(RemoteSocket::id).containsExactlyInAnyOrder(a.id(), b.id(), n.id());
        JsonNode fromNode = node.call(NodeRedisServer.op("fetchSockets"));
        assertThat(fromNode).hasSize(3);
        List<Args> acks = ClusterAdapterContractAccess.get(
            j1.io.serverSideEmitWithAck(Duration.ofSeconds(10), "whoami", "s"));
        assertThat(acks).extracting(x -> x.string(0)).containsExactlyInAnyOrder("java0:s", "node:s");
        ObjectNode sse = NodeRedisServer.op("serverSideEmitWithAck").put("event", "whoami");
        sse.putArray("args").add("t");
        List<String> answers = new ArrayList<>();
        node.call(sse).forEach(x -> answers.add(x.asText()));
        assertThat(answers).containsExactlyInAnyOrder("java0:t", "java1:t");
        List<Args> clientAcks = ClusterAdapterContractAccess.get(
            j0.io.timeout(Duration.ofSeconds(10)).emitWithAck("question"));
        assertThat(clientAcks).extracting(x -> x.string(0)).containsExactlyInAnyOrder("answer-a", "answer-b",
            "answer-n");
      }
    }
  }
}
