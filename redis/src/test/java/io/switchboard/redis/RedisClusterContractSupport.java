package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.cluster.ClusterAdapterContract;
import org.junit.jupiter.api.BeforeAll;

/** The cluster adapter contract on the real Redis, one key prefix per test. */
abstract class RedisClusterContractSupport extends ClusterAdapterContract {
  private final RedisContractResources resources = new RedisContractResources();

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
    return resources.keep(cluster, RedisAdapterFactory.create(RedisTests.URI, options(cluster)));
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    return RedisContractResources.silentSubscriber(RedisClient.create(RedisTests.URI),
        conn -> subscribeSilently(conn, cluster));
  }

  @Override
  protected void closeCluster(String cluster) {
    resources.close(cluster);
  }
}
