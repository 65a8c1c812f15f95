package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.switchboard.testkit.TestRedis;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the tests' Redis is, and unique prefixes: {@code -Dswitchboard.redis=redis://...} if given, else the Redis
 * at 127.0.0.1:6379, else one that {@link TestRedis} starts from a real binary.
 */
final class RedisTests {
  static final String URI = Optional.ofNullable(System.getProperty("switchboard.redis")).orElseGet(TestRedis::uri);

  private RedisTests() {}

  /** A key prefix no other test run uses. */
  static String uniqueKey(String what) {
    return "sbt-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Deletes a key (a test's stream) from the tests' Redis. */
  static void deleteKey(String key) {
    RedisClient c = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      conn.sync().del(key);
    } finally {
      c.shutdown();
    }
  }

  /** The number of entries in a stream (XLEN), 0 when it does not exist. */
  static long streamLength(String key) {
    RedisClient c = RedisClient.create(URI);
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      return conn.sync().xlen(key);
    } finally {
      c.shutdown();
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
      throw new AssertionError("Redis at " + URI + " cannot be reached", e);
    } finally {
      c.shutdown();
    }
  }

  /** Fails (never skips) when the Redis at {@code uri} cannot serve {@code mode}: sharded pub/sub needs Redis 7. */
  static void requireMode(RedisMode mode, String uri) {
    if (mode != RedisMode.SHARDED) {
      return;
    }
    RedisClient c = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> conn = c.connect()) {
      String info = conn.sync().info("server");
      String version = info.lines().filter(l -> l.startsWith("redis_version:")).map(l -> l.substring(14).trim())
          .findFirst().orElse("0");
      int major = Integer.parseInt(version.split("\\.")[0]);
      if (major < 7) {
        throw new AssertionError("sharded pub/sub (SSUBSCRIBE/SPUBLISH) needs Redis 7 or later, but the Redis at "
            + uri + " is " + version + ": install Redis 7 (Debian: apt-get install redis-server)");
      }
    } finally {
      c.shutdown();
    }
  }
}
