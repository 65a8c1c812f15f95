package io.switchboard.redis;

import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/** The cluster adapter contract across three Java servers on Redis, classic mode. */
class ClassicRedisClusterTest extends RedisClusterContractSupport {
  @Override
  RedisAdapterOptions options(String key) {
    return RedisAdapterOptions.builder().key(key).build();
  }

  @Override
  void subscribeSilently(StatefulRedisPubSubConnection<String, String> conn, String key) {
    conn.sync().subscribe(key + "-request#/#");
  }
}
