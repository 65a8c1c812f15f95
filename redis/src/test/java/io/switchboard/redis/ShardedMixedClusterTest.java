package io.switchboard.redis;

/** Java and Node servers in one sharded-mode cluster (dynamic subscriptions, as the Node default). */
class ShardedMixedClusterTest extends MixedClusterSupport {
  @Override
  String mode() {
    return "sharded";
  }

  @Override
  RedisAdapterOptions options(String key) {
    return RedisAdapterOptions.builder().key(key).mode(RedisMode.SHARDED).build();
  }
}
