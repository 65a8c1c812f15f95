package io.switchboard.redis;

import io.switchboard.server.AdapterFactory;

/** The cluster adapter contract on a 3-master Redis Cluster, the sharded pub/sub adapter (dynamic subscriptions). */
class ShardedOnRedisClusterTest extends RedisClusterSupport {
  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    return keep(cluster, RedisAdapterFactory.createCluster(redisCluster.uris(),
        RedisAdapterOptions.builder().key(cluster).mode(RedisMode.SHARDED).build()));
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    return subscriber(cluster + "#/#", true);
  }
}
