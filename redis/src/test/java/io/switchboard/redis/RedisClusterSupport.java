package io.switchboard.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.switchboard.server.cluster.ClusterAdapterContract;
import io.switchboard.testkit.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cluster adapter contract on a real Redis Cluster of three masters (from the same {@code redis-server} binary as
 * {@link TestRedis}, {@code cluster-enabled yes}), one key prefix per test. The cluster is started once for all the
 * test classes of a test JVM (every test has its own keys and channels) and stopped when the JVM exits.
 */
abstract class RedisClusterSupport extends ClusterAdapterContract {
  private static TestRedis.Cluster shared;
  static TestRedis.Cluster redisCluster;
  private final Map<String, List<AutoCloseable>> resources = new ConcurrentHashMap<>();

  @BeforeAll
  static void startRedisCluster() {
    redisCluster = sharedCluster();
  }

  private static synchronized TestRedis.Cluster sharedCluster() {
    if (shared == null) {
      TestRedis.Cluster cluster = TestRedis.startCluster(3);
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "redis-cluster-stop"));
      RedisTests.requireMode(RedisMode.SHARDED, cluster.uris().get(0));
      shared = cluster;
    }
    return shared;
  }

  /** Keeps something to close with the cluster named {@code key}. */
  <T extends AutoCloseable> T keep(String key, T resource) {
    resources.computeIfAbsent(key, k -> new ArrayList<>()).add(resource);
    return resource;
  }

  /** A member counted by the server count that never answers: a subscriber of {@code channel}. */
  protected SilentNode subscriber(String channel, boolean sharded) {
    RedisClusterClient client = RedisClusterClient.create(redisCluster.uris().get(0));
    StatefulRedisClusterPubSubConnection<String, String> conn = client.connectPubSub(StringCodec.UTF8);
    if (sharded) {
      conn.sync().ssubscribe(channel);
    } else {
      conn.sync().subscribe(channel);
    }
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
