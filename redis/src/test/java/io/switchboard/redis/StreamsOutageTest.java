package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.cluster.ClusterClient;
import io.switchboard.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis frozen for 5 s (SIGSTOP) or restarted while a Java server broadcasts every 10 ms on the streams adapter: the
 * clients of both servers end up with every broadcast once and in order, since the outage is waited out and the
 * readers go on from where they stopped. And a Redis that stays away keeps the memory bounded.
 */
class StreamsOutageTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  static RedisStreamsAdapterOptions options(int maxPending) {
    String key = RedisTests.uniqueKey("outage");
    return StreamsRedisClusterTest.options(key).toBuilder()
        .maxPendingCommands(maxPending)
        .reconnectDelay(Duration.ofMillis(100))
        .build();
  }

  static ConnectionStateRecovery recovery(boolean on) {
    return on ? new ConnectionStateRecovery(Duration.ofSeconds(30), true) : null;
  }

  static List<Integer> numbers(ClusterClient c, String event, int last) {
    List<ClusterClient.Event> got = c.until(l -> l.stream().anyMatch(e -> e.name().equals(event)
        && ((Number) e.args().get(0)).intValue() == last), WAIT);
    List<Integer> out = new ArrayList<>();
    for (ClusterClient.Event e : got) {
      if (e.name().equals(event)) {
        out.add(((Number) e.args().get(0)).intValue());
      }
    }
    return out;
  }

  /** Broadcasts "n" 1, 2, 3... to room r from {@code from} every 10 ms around {@code outage}. */
  static void broadcastAround(JavaNode from, ClusterClient local, ClusterClient remote, Runnable outage)
      throws Exception {
    ScheduledExecutorService broadcaster = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger sent = new AtomicInteger();
    try {
      broadcaster.scheduleAtFixedRate(() -> from.io.to("r").emit("n", sent.incrementAndGet()), 0, 10,
          TimeUnit.MILLISECONDS);
      Await.until("some broadcasts", java.time.Duration.ofSeconds(20), () -> sent.get() > 50);
      outage.run();
      int after = sent.get();
      Await.until("more broadcasts", java.time.Duration.ofSeconds(20), () -> sent.get() > after + 50);
    } finally {
      broadcaster.shutdown();
      assertThat(broadcaster.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    int total = sent.get();
    List<Integer> all = IntStream.rangeClosed(1, total).boxed().toList();
    assertThat(numbers(remote, "n", total)).as("the remote client").containsExactlyElementsOf(all);
    assertThat(numbers(local, "n", total)).as("the local client").containsExactlyElementsOf(all);
    System.out.println("[outage] " + total + " broadcasts, each once and in order on both servers");
  }

  /** A test on a Redis process of its own and two Java servers on it, with a client in room r on each. */
  interface OnTwoServers {
    void run(TestRedis.Server redis, JavaNode j0, JavaNode j1, ClusterClient a, ClusterClient b) throws Exception;
  }

  /** Starts Redis and two servers with {@code opts}, waits until each counts two servers, then runs {@code test}. */
  static void onTwoServers(RedisStreamsAdapterOptions opts, boolean withRecovery, OnTwoServers test) throws Exception {
    try (TestRedis.Server redis = TestRedis.startProcess();
        JavaNode j0 = JavaNode.streams("java0", redis.uri(), opts, recovery(withRecovery));
        JavaNode j1 = JavaNode.streams("java1", redis.uri(), opts, recovery(withRecovery))) {
      Await.until("two servers", java.time.Duration.ofSeconds(20), () -> j0.serverCount() == 2 && j1.serverCount() == 2);
      ClusterClient a = j0.client("a", "r");
      ClusterClient b = j1.client("b", "r");
      test.run(redis, j0, j1, a, b);
    }
  }

  @ParameterizedTest(name = "recovery {0}")
  @ValueSource(booleans = {false, true})
  void aRedisFrozenForFiveSecondsLosesNoBroadcast(boolean withRecovery) throws Exception {
    onTwoServers(options(10_000), withRecovery, (redis, j0, j1, a, b) -> {
      broadcastAround(j0, a, b, () -> {
        redis.pause();
        try {
          Thread.sleep(5_000); // the outage itself
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          redis.resume();
        }
      });
      assertThat(j0.streams.refusedCommands()).isZero();
      assertThat(j0.streams.localOnlyBroadcasts()).isZero();
    });
  }

  @ParameterizedTest(name = "recovery {0}")
  @ValueSource(booleans = {false, true})
  void aRedisRestartLosesNoBroadcast(boolean withRecovery) throws Exception {
    onTwoServers(options(10_000), withRecovery, (redis, j0, j1, a, b) -> broadcastAround(j0, a, b, () -> {
      redis.stop();
      try {
        Thread.sleep(2_000); // down for a while, broadcasts going on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      redis.start(); // empty: no persistence
    }));
  }

  static String dump(TestRedis.Server redis, String key) {
    io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create(redis.uri());
    try (var conn = c.connect()) {
      StringBuilder b = new StringBuilder();
      for (var m : conn.sync().xrange(key, io.lettuce.core.Range.unbounded(), io.lettuce.core.Limit.create(0, 12))) {
        b.append(m.getId()).append(' ').append(m.getBody().get("seq")).append(' ')
            .append(m.getBody().get("data"), 0, Math.min(60, m.getBody().get("data").length())).append('\n');
      }
      return b.toString();
    } finally {
      c.shutdown();
    }
  }

  @ParameterizedTest(name = "recovery {0}")
  @ValueSource(booleans = {false, true})
  void aRedisThatStaysAwayKeepsTheQueueBounded(boolean withRecovery) throws Exception {
    RedisStreamsAdapterOptions opts = options(200);
    onTwoServers(opts, withRecovery, (redis, j0, j1, a, b) -> {
      redis.stop();
      int flood = 5_000;
      long start = System.nanoTime();
      for (int i = 1; i <= flood; i++) {
        j0.io.to("r").emit("n", i);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(j0.streams.pendingCommands()).isLessThanOrEqualTo(200);
      assertThat(j0.streams.refusedCommands()).isGreaterThanOrEqualTo(flood - 200);
      if (withRecovery) {
        assertThat(j0.streams.localOnlyBroadcasts()).isGreaterThanOrEqualTo(flood - 200);
      }
      // the local client got every broadcast while Redis was away, or gets it once it is back
      redis.start();
      List<ClusterClient.Event> local = new ArrayList<>();
      try {
        while (local.stream().filter(e -> e.name().equals("n")).count() < flood) {
          local.add(a.next(WAIT));
        }
      } catch (AssertionError e) {
        java.util.Set<Integer> have = new java.util.TreeSet<>();
        local.stream().filter(x -> x.name().equals("n")).forEach(x -> have.add(((Number) x.args().get(0)).intValue()));
        List<Integer> missing = IntStream.rangeClosed(1, flood).filter(i -> !have.contains(i)).boxed().toList();
        throw new AssertionError("the local client got " + local.size() + " events, missing " + missing + "; xlen="
            + redis.command("XLEN", opts.streamName()) + " localOnly=" + j0.streams.localOnlyBroadcasts()
            + " repeats=" + ((RedisStreamsAdapter) j0.io.sockets().adapter()).repeatedEntries() + " stream " + dump(redis,
            opts.streamName()));
      }
      List<Integer> localNumbers = local.stream().filter(e -> e.name().equals("n"))
          .map(e -> ((Number) e.args().get(0)).intValue()).toList();
      assertThat(localNumbers).hasSize(flood).doesNotHaveDuplicates();
      // the remote one gets what waited in the bounded queue, once and in order: a prefix of the flood. "end" goes
      // out once java0 has reconnected and sent that queue: emitted before (the local client may have everything
      // before Lettuce's next reconnect attempt), it would be refused by the full queue and stay local
      Await.until("java0 reconnected and its queue sent", WAIT,
          () -> ((io.switchboard.server.cluster.ClusterStats) j0.io.sockets().adapter()).linkUp()
              && j0.streams.pendingCommands() == 0);
      j0.io.to("r").emit("end");
      List<ClusterClient.Event> remote = b.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("end"), WAIT);
      List<Integer> got = remote.stream().filter(e -> e.name().equals("n"))
          .map(e -> ((Number) e.args().get(0)).intValue()).toList();
      assertThat(got).isNotEmpty().hasSizeLessThanOrEqualTo(200);
      assertThat(got).containsExactlyElementsOf(IntStream.rangeClosed(1, got.size()).boxed().toList());
    });
  }
}
