package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.switchboard.server.Args;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.cluster.ClusterClient;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis going away, coming back, and dropping the subscriptions: local delivery goes on, nothing throws into the
 * application, the outgoing queue stays bounded, and cross-server delivery resumes within 2 s.
 */
class FaultToleranceTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration RESUME_LIMIT = Duration.ofSeconds(2);

  static RedisAdapterOptions options(RedisMode mode) {
    return RedisAdapterOptions.builder()
        .key(RedisTests.uniqueKey("faults"))
        .mode(mode)
        .maxPendingCommands(500)
        .commandTimeout(Duration.ofSeconds(1))
        .requestsTimeout(Duration.ofSeconds(1))
        .reconnectDelay(Duration.ofMillis(200))
        .build();
  }

  /** Sends probes from {@code from} until {@code to} gets one; returns how long that took. */
  static Duration resumption(JavaNode from, ClusterClient to) {
    long start = System.nanoTime();
    String token = UUID.randomUUID().toString();
    AtomicInteger i = new AtomicInteger();
    Await.until("cross-server delivery resumes", WAIT, () -> {
      from.io.emit("probe", token, i.getAndIncrement());
      try {
        List<ClusterClient.Event> got = to.until(l -> !l.isEmpty(), Duration.ofMillis(50));
        return got.get(0).name().equals("probe") && token.equals(got.get(0).args().get(0));
      } catch (AssertionError nothingYet) {
        return false; // no probe yet
      }
    });
    return Duration.ofNanos(System.nanoTime() - start);
  }

  static void drainProbes(ClusterClient c) {
    while (true) {
      try {
        c.until(l -> !l.isEmpty(), Duration.ofMillis(300));
      } catch (AssertionError quiet) {
        return;
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void redisStopsAndRestarts(RedisMode mode) throws Exception {
    RedisAdapterOptions opts = options(mode);
    try (TestRedis.Server redis = TestRedis.startProcess();
        JavaNode j0 = JavaNode.start("java0", redis.uri(), opts);
        JavaNode j1 = JavaNode.start("java1", redis.uri(), opts)) {
      RedisTests.requireMode(mode, redis.uri());
      Await.until("two servers", WAIT, () -> j0.serverCount() == 2);
      ClusterClient a = j0.client("a", "r");
      ClusterClient b = j1.client("b", "r,r2");
      resumption(j0, b);
      drainProbes(b);
      drainProbes(a);

      redis.stop();

      // local delivery goes on and nothing throws, even for requests
      assertThatCode(() -> j0.io.to("r").emit("local", 1)).doesNotThrowAnyException();
      assertThat(a.next(WAIT).name()).isEqualTo("local");
      List<RemoteSocket> found = ClusterAdapterContractAccess.get(j0.io.in("r").fetchSockets());
      assertThat(found).extracting(RemoteSocket::id).containsExactly(a.id());
      List<Args> acks = ClusterAdapterContractAccess.get(
          j0.io.serverSideEmitWithAck(Duration.ofSeconds(1), "whoami", "x"));
      assertThat(acks).isEmpty();
      List<Args> clientAcks = ClusterAdapterContractAccess.get(
          j0.io.timeout(Duration.ofSeconds(3)).emitWithAck("question"));
      assertThat(clientAcks).extracting(x -> x.string(0)).containsExactly("answer-a");
      assertThatCode(() -> {
        j0.io.socketsJoin("z");
        j0.io.serverSideEmit("note", 1);
      }).doesNotThrowAnyException();

      // a flood while Redis is away: the callers never block, and nothing is kept to be sent later
      int flood = 20_000;
      long start = System.nanoTime();
      for (int i = 0; i < flood; i++) {
        j0.io.to("r2").emit("flood", i);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      assertThat(((io.switchboard.server.ClusterAdapter) j0.io.sockets().adapter()).publishFailures())
          .isGreaterThanOrEqualTo(flood);

      redis.start();
      Duration resumed = resumption(j0, b);
      System.out.println("[faults] " + mode + ": cross-server delivery resumed " + resumed.toMillis()
          + " ms after Redis came back");
      assertThat(resumed).isLessThan(RESUME_LIMIT);
      Await.until("both servers counted again", WAIT, () -> j1.serverCount() == 2);
      j1.io.emit("end");
      List<ClusterClient.Event> after = b.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("end"), WAIT);
      assertThat(after).noneMatch(e -> e.name().equals("flood"));
      assertThat(ClusterAdapterContractAccess.get(j1.io.in("r").fetchSockets())).hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void killedSubscriptionsAreRestored(RedisMode mode) {
    RedisAdapterOptions opts = options(mode);
    try (TestRedis.Server redis = TestRedis.startProcess();
        JavaNode j0 = JavaNode.start("java0", redis.uri(), opts);
        JavaNode j1 = JavaNode.start("java1", redis.uri(), opts)) {
      RedisTests.requireMode(mode, redis.uri());
      Await.until("two servers", WAIT, () -> j0.serverCount() == 2);
      ClusterClient a = j0.client("a", "r");
      ClusterClient b = j1.client("b", "r");
      resumption(j0, b);
      drainProbes(b);

      assertThat(redis.command("CLIENT", "KILL", "TYPE", "pubsub")).as("both subscriber connections killed").isEqualTo("2");
      assertThatCode(() -> j0.io.emit("local", 2)).doesNotThrowAnyException();
      assertThat(a.until(l -> l.stream().anyMatch(e -> e.name().equals("local")), WAIT)).isNotEmpty();

      Duration resumed = resumption(j0, b);
      System.out.println("[faults] " + mode + ": cross-server delivery resumed " + resumed.toMillis()
          + " ms after CLIENT KILL");
      assertThat(resumed).isLessThan(RESUME_LIMIT);
      drainProbes(a);
      resumption(j1, a);
    }
  }

  @org.junit.jupiter.api.Test
  void aBurstBeyondTheBoundIsRefusedNotQueued() {
    RedisAdapterOptions opts = options(RedisMode.CLASSIC).toBuilder().maxPendingCommands(20).build();
    try (JavaNode j0 = JavaNode.start("java0", opts); JavaNode j1 = JavaNode.start("java1", opts)) {
      Await.until("two servers", WAIT, () -> j0.serverCount() == 2);
      ClusterClient b = j1.client("b", "r");
      assertThatCode(() -> {
        for (int i = 0; i < 50_000 && j0.redis.refusedCommands() == 0; i++) {
          j0.io.to("nobody").emit("burst", i);
        }
      }).doesNotThrowAnyException();
      assertThat(j0.redis.refusedCommands()).isPositive();
      resumption(j0, b);
    }
  }
}
