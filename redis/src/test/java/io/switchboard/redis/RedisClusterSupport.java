package io.switchboard.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.switchboard.server.cluster.ClusterAdapterContract;
import io.switchboard.testkit.TestRedis;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cluster adapter contract on a real Redis Cluster of three masters (from the same {@code redis-server} binary as
 * {@link TestRedis}, {@code cluster-enabled yes}), one key prefix per test. The cluster is started once for all the
 * test classes of a test JVM (every test has its own keys and channels) and stopped when the JVM exits.
 */
abstract class RedisClusterSupport extends ClusterAdapterContract {
  private static TestRedis.Cluster shared;
  static TestRedis.Cluster redisCluster;
  /** What the adapter factories of each cluster hold, closed with the cluster. */
  final RedisContractResources resources = new RedisContractResources();

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

  /** A member counted by the server count that never answers: a subscriber of {@code channel}. */
  protected SilentNode subscriber(String channel, boolean sharded) {
    return RedisContractResources.silentSubscriber(RedisClusterClient.create(redisCluster.uris().get(0)), conn -> {
      if (sharded) {
        conn.sync().ssubscribe(channel);
      } else {
        conn.sync().subscribe(channel);
      }
    });
  }

  @Override
  protected void closeCluster(String cluster) {
    resources.close(cluster);
  }
}
