package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.UUID;

/** Where the tests' Redis is (127.0.0.1:6379 unless {@code -Dswitchboard.redis=redis://...}), and unique prefixes. */
final class RedisTests {
  static final String URI = System.getProperty("switchboard.redis", "redis://127.0.0.1:6379");

  private RedisTests() {}

  /** A key prefix no other test run uses. */
  static String uniqueKey(String what) {
    return "sbt-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Fails (never skips) when Redis cannot be reached. */
  static void requireRedis() {
    RedisClient c = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      if (!"PONG".equals(conn.sync().ping())) {
        throw new AssertionError("Redis at " + URI + " did not answer PING");
      }
    } catch (RuntimeException e) {
      throw new AssertionError("Redis is required at " + URI + " (start it: redis-server --port 6379)", e);
    } finally {
      c.shutdown();
    }
  }
}
