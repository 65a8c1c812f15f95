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

  /** Polls {@code condition} until it holds, for up to 20 s. */
  static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20 s: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
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
