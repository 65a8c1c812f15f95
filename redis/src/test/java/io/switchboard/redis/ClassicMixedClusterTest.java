package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.cluster.ClusterClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Java and Node servers in one classic-mode cluster. */
class ClassicMixedClusterTest extends MixedClusterSupport {
  @Override
  String mode() {
    return "classic";
  }

  @Override
  RedisAdapterOptions options(String key) {
    return RedisAdapterOptions.builder().key(key).build();
  }

  @Test
  void nodeAllRoomsIncludesTheRoomsOfJavaServers() {
    ClusterClient a = java0.client("a", "alpha");
    java1.client("b", "beta,gamma");
    List<String> rooms = new ArrayList<>();
    node.call(NodeRedisServer.op("allRooms")).forEach(r -> rooms.add(r.asText()));
    assertThat(rooms).contains("alpha", "beta", "gamma", a.id());
  }
}
