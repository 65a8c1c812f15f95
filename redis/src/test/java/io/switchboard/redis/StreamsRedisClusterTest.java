package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.cluster.ClusterAdapterContract;
import org.junit.jupiter.api.BeforeAll;

/** The cluster adapter contract across three Java servers on the Redis Streams adapter (recovery off). */
class StreamsRedisClusterTest extends ClusterAdapterContract {
  private final RedisContractResources resources = new RedisContractResources();

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  /** The options of the cluster named {@code key}: a stream and channels of its own. */
  static RedisStreamsAdapterOptions options(String key) {
    return RedisStreamsAdapterOptions.builder().streamName(key).channelPrefix(key).sessionKeyPrefix(key + ":s:")
        .build();
  }

  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    return resources.keep(cluster, RedisStreamsAdapterFactory.create(RedisTests.URI, options(cluster)));
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    return RedisContractResources.silentSubscriber(RedisClient.create(RedisTests.URI),
        conn -> conn.sync().subscribe(cluster + "#/#"));
  }

  @Override
  protected void closeCluster(String cluster) {
    resources.close(cluster);
    RedisTests.deleteKey(cluster);
  }
}
