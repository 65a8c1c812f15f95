package io.switchboard.redis;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/** The cluster adapter contract in the sharded mode with a channel for every room, socket ids included. */
class ShardedPrivateRoomsClusterTest extends RedisClusterContractSupport {
  @Override
  RedisAdapterOptions options(String key) {
    return RedisAdapterOptions.builder().key(key).mode(RedisMode.SHARDED)
        .subscriptionMode(SubscriptionMode.DYNAMIC_PRIVATE).build();
  }

  @Override
  void subscribeSilently(StatefulRedisPubSubConnection<String, String> conn, String key) {
    conn.sync().ssubscribe(key + "#/#");
  }
}
