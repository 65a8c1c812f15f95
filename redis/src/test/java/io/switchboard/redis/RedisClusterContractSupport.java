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

/** The cluster adapter contract on the real Redis, one key prefix per test. */
abstract class RedisClusterContractSupport extends ClusterAdapterContract {
  private final Map<String, List<AutoCloseable>> resources = new ConcurrentHashMap<>();

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  @org.junit.jupiter.api.BeforeEach
  void redisServesThisMode() {
    RedisTests.requireMode(options("probe").mode(), RedisTests.URI);
  }

  /** The options of this mode for the cluster's key prefix. */
  abstract RedisAdapterOptions options(String key);

  /** Subscribes {@code conn} where a server of this mode is counted. */
  abstract void subscribeSilently(StatefulRedisPubSubConnection<String, String> conn, String key);

  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    RedisAdapterFactory f = RedisAdapterFactory.create(RedisTests.URI, options(cluster));
    resources.computeIfAbsent(cluster, k -> new ArrayList<>()).add(f);
    return f;
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    RedisClient client = RedisClient.create(RedisTests.URI);
    StatefulRedisPubSubConnection<String, String> conn = client.connectPubSub(StringCodec.UTF8);
    subscribeSilently(conn, cluster);
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
  }
}
