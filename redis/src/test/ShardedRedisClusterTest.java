package io.switchboard.redis;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/** The cluster adapter contract across three Java servers on Redis, sharded mode (SPUBLISH/SSUBSCRIBE). */
class ShardedRedisClusterTest extends RedisClusterContractSupport {
  @Override
  RedisAdapterOptions options(String key) {
    return RedisAdapterOptions.builder().key(key).mode(RedisMode.SHARDED).build();
  }

  @Override
  void subscribeSilently(StatefulRedisPubSubConnection<String, String> conn, String key) {
    conn.sync().ssubscribe(key + "#/#");
  }
}
