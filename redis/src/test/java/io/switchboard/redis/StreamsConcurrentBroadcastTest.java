package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stored broadcasts (recovery on) sent at once from several threads of one server all reach a client on another
 * server: each entry's sequence number (which the readers use to skip the repeats of a resent batch) must follow the
 * order in which the entries enter the stream, or a reader takes an entry for a repeat and drops it.
 */
class StreamsConcurrentBroadcastTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int THREADS = 8;
  private static final int EACH = 300;

  private String key;
  private JavaNode a;
  private JavaNode b;

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  @BeforeEach
  void start() {
    key = RedisTests.uniqueKey("concurrent");
    RedisStreamsAdapterOptions options = StreamsRedisClusterTest.options(key);
    a = JavaNode.streams("a", RedisTests.URI, options, StreamsRecoveryTest.RECOVERY);
    b = JavaNode.streams("b", RedisTests.URI, options, StreamsRecoveryTest.RECOVERY);
    Await.until("two servers", WAIT, () -> a.serverCount() == 2 && b.serverCount() == 2);
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void broadcastsFromManyThreadsOfOneServerAllReachAClientOnAnother() throws Exception {
    try (RecoveryClient c = RecoveryClient.start(b.url(), "c", "r")) {
      c.awaitConnect();
      c.until("joined", () -> !c.messages("joined").isEmpty(), WAIT);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int base = t * EACH;
          done.add(pool.submit(() -> {
            go.await();
            for (int i = 1; i <= EACH; i++) {
              a.io.to("r").emit("n", base + i);
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      int total = THREADS * EACH;
      try {
        c.until("every number", () -> new HashSet<>(c.numbers("n")).size() >= total, WAIT);
      } catch (AssertionError e) {
        Set<Integer> got = new HashSet<>(c.numbers("n"));
        List<Integer> missing = new ArrayList<>();
        for (int i = 1; i <= total && missing.size() < 20; i++) {
          if (!got.contains(i)) {
            missing.add(i);
          }
        }
        throw new AssertionError(total - got.size() + " of " + total + " broadcasts missing (first: " + missing
            + "); entries skipped as repeats on the receiving server: "
            + ((RedisStreamsAdapter) b.io.sockets().adapter()).repeatedEntries());
      }
      assertThat(c.numbers("n")).hasSize(total);
    }
  }

  /**
   * A handler still running when its server closes gracefully (its client was told to go while the handler ran)
   * broadcasts, then acknowledges: the entry reaches the other server's clients, the close waits for it.
   */
  @Test
  void aBroadcastOfAHandlerRunningDuringAGracefulCloseReachesTheOtherServer() throws Exception {
    a.io.onConnection(s -> s.on("slow", (args, ack) -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      a.io.to("r").emit("late", 1);
      ack.send("done");
    }));
    try (RecoveryClient sender = RecoveryClient.start(a.url(), "s", "x");
        RecoveryClient receiver = RecoveryClient.start(b.url(), "c", "r")) {
      sender.awaitConnect();
      receiver.awaitConnect();
      receiver.until("joined", () -> !receiver.messages("joined").isEmpty(), WAIT);
      java.util.concurrent.CompletableFuture<Object> answered =
          java.util.concurrent.CompletableFuture.supplyAsync(() -> sender.emitWithAck("slow", "go"));
      Thread.sleep(300); // the event is read before the close: it is handled and acknowledged
      a.io.close(Duration.ofSeconds(4));
      a.streams.close();
      assertThat(answered.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done");
      receiver.until("the late broadcast", () -> receiver.messages("late").size() == 1, WAIT);
    }
  }
}
