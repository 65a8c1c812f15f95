package io.switchboard.redis;

/**
 * Which of the two wire protocols of {@code @socket.io/redis-adapter} a cluster speaks; all its nodes must agree.
 *
 * <pre>{@code
 * RedisAdapterOptions.builder().mode(RedisMode.SHARDED).build();   // Redis 7 sharded pub/sub
 * }</pre>
 */
public enum RedisMode {
  /** {@code createAdapter}: PUBLISH, PSUBSCRIBE and SUBSCRIBE; the format the emitters write. */
  CLASSIC,
  /** {@code createShardedAdapter}: SPUBLISH and SSUBSCRIBE with the cluster-adapter messages (Redis 7 and later). */
  SHARDED
}
