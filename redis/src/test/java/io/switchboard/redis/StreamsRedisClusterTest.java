package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.cluster.ClusterAdapterContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;

/** The cluster adapter contract across three Java servers on the Redis Streams adapter (recovery off). */
class StreamsRedisClusterTest extends ClusterAdapterContract {
  private final Map<String, List<AutoCloseable>> resources = new ConcurrentHashMap<>();

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
    RedisStreamsAdapterFactory f = RedisStreamsAdapterFactory.create(RedisTests.URI, options(cluster));
    resources.computeIfAbsent(cluster, k -> new ArrayList<>()).add(f);
    return f;
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    RedisClient client = RedisClient.create(RedisTests.URI);
    StatefulRedisPubSubConnection<String, String> conn = client.connectPubSub(StringCodec.UTF8);
    conn.sync().subscribe(cluster + "#/#");
    return new SilentNode() {
      @Override
      public String uid() {
        return null;
      }

      @Override
      public void close() {
        conn.close();
        client.shutdown();
      }
    };
  }

  @Override
  protected void closeCluster(String cluster) {
    List<AutoCloseable> list = resources.remove(cluster);
    if (list != null) {
      for (AutoCloseable c : list) {
        try {
          c.close();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
    RedisTests.deleteKey(cluster);
  }
}
