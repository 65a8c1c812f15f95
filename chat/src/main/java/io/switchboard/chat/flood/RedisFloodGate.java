package io.switchboard.chat.flood;

import io.switchboard.chat.cluster.ChatRedis;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The flood limit of a cluster: one sliding window per user in Redis (a sorted set of send times, trimmed, counted
 * and added to by one script, on Redis's clock), so a user's tabs on several nodes share one limit. When Redis is
 * away or slow, the node's own {@link FloodLimiter} decides.
 *
 * <pre>{@code
 * FloodGate flood = new RedisFloodGate(redis, new FloodLimiter(10, Duration.ofSeconds(1), clock), nodeId);
 * flood.tryAcquire("alice");
 * }</pre>
 */
public final class RedisFloodGate implements FloodGate {
  private static final String SCRIPT = String.join("\n",
      "local t = redis.call('TIME')",
      "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)",
      "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))",
      "if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then",
      "  redis.call('ZADD', KEYS[1], now, ARGV[3])",
      "  redis.call('PEXPIRE', KEYS[1], ARGV[1])",
      "  return 1",
      "end",
      "return 0");

  private final ChatRedis redis;
  private final FloodLimiter local;
  private final String node;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param local the limiter used while Redis is away; its limit and window are the cluster's too
   * @param node  a name unique to this node (to tell apart the entries of two nodes in the same millisecond)
   */
  public RedisFloodGate(ChatRedis redis, FloodLimiter local, String node) {
    this.redis = redis;
    this.local = local;
    this.node = node;
  }

  @Override
  public boolean tryAcquire(String user) {
    try {
      return redis.eval(SCRIPT, new String[] {redis.key("flood", "{" + user + "}")},
          Long.toString(local.windowMillis()), Integer.toString(local.limit()),
          node + ":" + sequence.incrementAndGet()) == 1;
    } catch (ChatRedis.Unavailable e) {
      return local.tryAcquire(user);
    }
  }

  @Override
  public int limit() {
    return local.limit();
  }
}
