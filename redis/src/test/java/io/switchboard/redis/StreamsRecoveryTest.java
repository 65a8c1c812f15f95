package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.switchboard.testkit.Await;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.cluster.RestoredSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection state recovery across Java servers on the streams adapter, with the official client: a client moves to
 * another server and gets its id, rooms and every missed event once and in order; sessions follow the socket's rooms
 * and data in Redis; a pid restores once; a lost record or a trimmed offset gives a fresh session.
 */
class StreamsRecoveryTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final ConnectionStateRecovery RECOVERY = new ConnectionStateRecovery(Duration.ofSeconds(30), true);

  private String key;
  private RedisStreamsAdapterOptions options;
  private JavaNode a;
  private JavaNode b;
  private RedisClient raw;
  private StatefulRedisConnection<byte[], byte[]> redis;

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  @BeforeEach
  void start() {
    key = RedisTests.uniqueKey("recovery");
    options = StreamsRedisClusterTest.options(key);
    a = JavaNode.streams("a", RedisTests.URI, options, RECOVERY);
    b = JavaNode.streams("b", RedisTests.URI, options, RECOVERY);
    raw = RedisClient.create(RedisTests.URI);
    redis = raw.connect(ByteArrayCodec.INSTANCE);
    Await.until("two servers", java.time.Duration.ofSeconds(20), () -> a.serverCount() == 2 && b.serverCount() == 2);
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    redis.sync().del(bytes(key));
    redis.close();
    raw.shutdown();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The session record of a pid as Redis has it, or {@code null}. */
  private StreamsWire.SessionRecord record(String pid) {
    byte[] v = redis.sync().get(bytes(key + ":s:" + pid));
    return v == null ? null : StreamsWire.SessionRecord.decode(v);
  }

  private RedisStreamsAdapter adapter(JavaNode n) {
    return (RedisStreamsAdapter) n.io.sockets().adapter();
  }

  @Test
  void aClientMovesToAnotherServerWithEveryEventOnceAndInOrder() throws Exception {
    try (RecoveryClient c = RecoveryClient.start(a.url(), "c", "r")) {
      JsonNode first = c.awaitConnect();
      assertThat(first.get("recovered").asBoolean()).isFalse();
      c.until("joined", () -> !c.messages("joined").isEmpty(), WAIT);
      AtomicBoolean go = new AtomicBoolean(true);
      AtomicInteger sent = new AtomicInteger();
      CompletableFuture<Void> broadcaster = CompletableFuture.runAsync(() -> {
        while (go.get()) {
          b.io.to("r").emit("n", sent.incrementAndGet());
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      c.until("some numbers", () -> c.numbers("n").size() >= 20, WAIT);
      c.retarget(b.url());
      c.drop();
      JsonNode second = c.awaitConnect();
      c.until("more numbers after the move", () -> c.numbers("n").size() >= sent.get() / 2 + 40, WAIT);
      go.set(false);
      broadcaster.get();
      int total = sent.get();
      c.until("every number", () -> c.numbers("n").size() >= total, WAIT);
      Thread.sleep(200); // anything extra (a duplicate) would show now
      assertThat(second.get("recovered").asBoolean()).isTrue();
      assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
      assertThat(c.numbers("n")).containsExactlyElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
      assertThat(c.messages("joined")).hasSize(2); // the servers' connection handler runs on recovery too
      // its rooms came along: a broadcast to r from the server it left reaches it on the new one
      a.io.to("r").emit("after", 1);
      c.until("after", () -> c.messages("after").size() == 1, WAIT);
      assertThat(b.io.sockets().sockets()).containsKey(first.get("id").asText());
    }
  }

  @Test
  void theSessionInRedisFollowsRoomsAndDataAndLeavesWithAServerDisconnect() {
    try (RecoveryClient c = RecoveryClient.start(a.url(), "c", "r")) {
      String id = c.awaitConnect().get("id").asText();
      String pid = c.state().get("pid").asText();
      Await.until("a record with the data", java.time.Duration.ofSeconds(20), () -> record(pid) != null && record(pid).data() != null
          && record(pid).rooms().contains("r"));
      StreamsWire.SessionRecord r = record(pid);
      assertThat(r.sid()).isEqualTo(id);
      assertThat(r.rooms()).contains(id, "r");
      assertThat(r.data().get("name").asText()).isEqualTo("c");
      assertThat(r.baseOffset()).isNotNull();
      Long ttl = redis.sync().pttl(bytes(key + ":s:" + pid));
      assertThat(ttl).isGreaterThan(RECOVERY.maxDisconnectionDuration().toMillis());

      assertThat(c.emitWithAck("join", "x")).isEqualTo("joined");
      Await.until("x in the record", java.time.Duration.ofSeconds(20), () -> record(pid).rooms().contains("x"));
      assertThat(c.emitWithAck("leave", "r")).isEqualTo("left");
      Await.until("r out of the record", java.time.Duration.ofSeconds(20), () -> !record(pid).rooms().contains("r"));
      a.io.sockets().sockets().get(id).data(java.util.Map.of("name", "renamed"));
      Await.until("new data in the record", java.time.Duration.ofSeconds(20), () -> record(pid).data().get("name").asText().equals("renamed"));

      a.io.in(id).disconnectSockets(false);
      Await.until("the record is gone", java.time.Duration.ofSeconds(20), () -> record(pid) == null);
    }
  }

  @Test
  void aPidRestoresOnceEvenWhenTwoServersTryAtOnce() throws Exception {
    String pid;
    String offset;
    try (RecoveryClient c = RecoveryClient.start(a.url(), "c", "r")) {
      c.awaitConnect();
      c.until("joined", () -> !c.messages("joined").isEmpty(), WAIT);
      JsonNode state = c.state();
      pid = state.get("pid").asText();
      offset = state.get("offset").asText();
      c.retarget("http://127.0.0.1:1"); // nowhere: the client stays away, as if its network were gone
      c.drop();
      Await.until("the socket left a", java.time.Duration.ofSeconds(20), () -> a.io.sockets().sockets().isEmpty());
    }
    for (int round = 0; round < 5; round++) {
      CompletableFuture<RestoredSession> x = CompletableFuture.supplyAsync(
          () -> adapter(a).restoreSession(pid, offset).toCompletableFuture().join());
      CompletableFuture<RestoredSession> y = CompletableFuture.supplyAsync(
          () -> adapter(b).restoreSession(pid, offset).toCompletableFuture().join());
      List<RestoredSession> got = new ArrayList<>();
      if (x.get() != null) {
        got.add(x.get());
      }
      if (y.get() != null) {
        got.add(y.get());
      }
      assertThat(got).as("round %d", round).hasSizeLessThanOrEqualTo(1);
      if (round == 0) {
        assertThat(got).hasSize(1); // the first attempt finds the record the disconnection left
      }
    }
  }

  @Test
  void aRecordRedisLostOrATrimmedOffsetGivesAFreshSession() {
    try (RecoveryClient c = RecoveryClient.start(a.url(), "c", "r")) {
      JsonNode first = c.awaitConnect();
      String pid = c.state().get("pid").asText();
      Await.until("a record", java.time.Duration.ofSeconds(20), () -> record(pid) != null);
      redis.sync().del(bytes(key + ":s:" + pid)); // as if Redis restarted without persistence
      c.retarget(b.url());
      c.drop();
      JsonNode second = c.awaitConnect();
      assertThat(second.get("recovered").asBoolean()).isFalse();
      assertThat(second.get("id").asText()).isNotEqualTo(first.get("id").asText());

      c.until("joined again", () -> c.messages("joined").size() == 2, WAIT);
      String pid2 = c.state().get("pid").asText();
      Await.until("a record", java.time.Duration.ofSeconds(20), () -> record(pid2) != null);
      redis.sync().xtrim(bytes(key), 0); // the entries after its offset are gone
      c.retarget(a.url());
      c.drop();
      JsonNode third = c.awaitConnect();
      assertThat(third.get("recovered").asBoolean()).isFalse();
    }
  }
}
