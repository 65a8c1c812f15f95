package io.switchboard.redis;

import io.switchboard.server.AdapterFactory;

/**
 * The cluster adapter contract on a 3-master Redis Cluster, the sharded pub/sub adapter with static subscriptions
 * (one channel per namespace). The contract checks that a client got everything by waiting for a marker broadcast to
 * all after it, which relies on one publisher's messages arriving in order; with dynamic subscriptions a room's channel
 * and the namespace's channel can live on different shards, where Redis gives no order between them (the sharded
 * contract with dynamic subscriptions runs on a single Redis in {@code ShardedRedisClusterTest}).
 */
class ShardedOnRedisClusterTest extends RedisClusterSupport {
  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    return resources.keep(cluster, RedisAdapterFactory.createCluster(redisCluster.uris(),
        RedisAdapterOptions.builder().key(cluster).mode(RedisMode.SHARDED)
        .subscriptionMode(SubscriptionMode.STATIC).build()));
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    return subscriber(cluster + "#/#", true);
  }
}
