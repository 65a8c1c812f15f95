package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.switchboard.server.cluster.ClusterClient;
import io.switchboard.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/** Junk on the adapter's channels is dropped and logged; the servers go on working. */
class JunkMessagesTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  static List<byte[]> junk() {
    byte[] random = new byte[512];
    new Random(42).nextBytes(random);
    return List.of(
        random,
        "{not json".getBytes(StandardCharsets.UTF_8),
        "[\"uid\",{\"type\":2,\"data\":\"not an array\",\"nsp\":\"/\"},{}]".getBytes(StandardCharsets.UTF_8),
        "{\"type\":99,\"uid\":\"x\",\"nsp\":\"/\"}".getBytes(StandardCharsets.UTF_8),
        "{\"@class\":\"java.net.URL\",\"type\":7,\"uid\":\"x\",\"nsp\":\"/\",\"data\":{\"opts\":1}}"
            .getBytes(StandardCharsets.UTF_8),
        HexFormat.of().parseHex("93a1789291c0c70501aabbccddee"),     // an unknown msgpack extension
        HexFormat.of().parseHex("ddffffffff"),                       // an array claiming 4 billion elements
        HexFormat.of().parseHex("91".repeat(200) + "c0"),           // nested 200 deep
        ("[".repeat(1500) + "]".repeat(1500)).getBytes(StandardCharsets.UTF_8),
        new byte[8192]);                                            // over maxMessageSize
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void junkIsDroppedAndLogged(RedisMode mode) {
    String key = RedisTests.uniqueKey("junk");
    RedisAdapterOptions opts = RedisAdapterOptions.builder().key(key).mode(mode).maxMessageSize(4096).build();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger redisLogs = (Logger) LoggerFactory.getLogger("io.switchboard.redis");
    redisLogs.addAppender(logs);
    RedisClient raw = RedisClient.create(RedisTests.URI);
    try (JavaNode j0 = JavaNode.start("java0", opts); JavaNode j1 = JavaNode.start("java1", opts);
        StatefulRedisConnection<byte[], byte[]> conn = raw.connect(ByteArrayCodec.INSTANCE)) {
      Await.until("two servers", WAIT, () -> j0.serverCount() == 2);
      ClusterClient a = j0.client("a", "r");
      ClusterClient b = j1.client("b", "r");
      List<String> channels = mode == RedisMode.CLASSIC
          ? List.of(key + "#/#", key + "#/#r#", key + "-request#/#", key + "-response#/#")
          : List.of(key + "#/#");
      BiConsumer<String, byte[]> send = mode == RedisMode.CLASSIC
          ? (c, m) -> conn.sync().publish(c.getBytes(StandardCharsets.UTF_8), m)
          : (c, m) -> conn.sync().spublish(c.getBytes(StandardCharsets.UTF_8), m);
      int sent = 0;
      for (String c : channels) {
        for (byte[] m : junk()) {
          send.accept(c, m);
          sent++;
        }
      }
      // the cluster still works, and every piece of junk was reported
      j0.io.to("r").emit("after", 1);
      assertThat(b.until(l -> l.stream().anyMatch(e -> e.name().equals("after")), WAIT)).isNotEmpty();
      int oversized = 1;
      long expected = (long) (sent - oversized * channels.size()) * 2; // both servers see every message
      Await.until("every junk message counted", WAIT,
          () -> j0.redis.undecodableMessages() + j1.redis.undecodableMessages() >= expected);
      assertThat(j0.redis.undecodableMessages() + j1.redis.undecodableMessages()).isEqualTo(expected);
      assertThat(dropped(logs)).as("logged, at most once a second per server").isBetween(2L, 20L);
      assertThat(j0.redis.droppedOversized() + j1.redis.droppedOversized()).isEqualTo(2L * channels.size());
      assertThat(a.connected()).isTrue();
      assertThat(ClusterAdapterContractAccess.get(j1.io.fetchSockets())).hasSize(2);
    } finally {
      redisLogs.detachAppender(logs);
      raw.shutdown();
    }
  }

  private static long dropped(ListAppender<ILoggingEvent> logs) {
    synchronized (logs.list) {
      return logs.list.stream().filter(e -> e.getFormattedMessage().contains("dropped")).count();
    }
  }
}
