package io.switchboard.redis;

/** Java and Node servers in one classic-mode cluster. */
class ClassicMixedClusterTest extends MixedClusterSupport {
  @Override
  String mode() {
    return "classic";
  }

  @Override
  RedisAdapterOptions options(String key) {
    return RedisAdapterOptions.builder().key(key).build();
  }
}
