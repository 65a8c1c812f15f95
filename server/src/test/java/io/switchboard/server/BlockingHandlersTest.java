package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.switchboard.engine.EngineOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Handlers that block (declared so, or with {@link HandlerDispatch#EXECUTOR}) do not stall other clients or heartbeats,
 * run off the I/O threads, and keep per-client order.
 */
class BlockingHandlersTest {

  private static ServerOptions shortHeartbeat() {
    return ServerOptions.builder().engine(EngineOptions.builder()
        .pingInterval(Duration.ofMillis(500)).pingTimeout(Duration.ofMillis(500)).build()).build();
  }

  @Test
  void aBlockingHandlerStallsNeitherHeartbeatsNorOtherClients() {
    try (TestServer t = new TestServer(shortHeartbeat());
        NodeClient slow = NodeClient.start(t.url(), "/");
        NodeClient fast = NodeClient.start(t.url(), "/", "--transports", "polling")) {
      Recorder server = new Recorder();
      t.io.blocking("jdbc");
      t.io.onConnection(s -> {
        s.on("jdbc", (args, ack) -> {
          Thread.sleep(3000); // six heartbeats long
          ack.send("done");
        });
        s.on("quick", (args, ack) -> ack.send("quick"));
        s.onDisconnect((r, d) -> server.record("disconnect", r, s.transport(), System.nanoTime()));
      });
      slow.connected();
      fast.connected();
      slow.emitWithAck(1, "jdbc");
      long start = System.nanoTime();
      fast.emitWithAck(2, "quick");
      assertThat(fast.await("ack").get("args").get(0).asText()).isEqualTo("quick");
      assertThat(System.nanoTime() - start).isLessThan(Duration.ofMillis(2000).toNanos());
      assertThat(slow.await("ack").get("args").get(0).asText()).isEqualTo("done");
      server.assertNone(Duration.ofMillis(100));
    }
  }

  @Test
  void eventsOfOneClientAreHandledInOrderOnTheReplaceableExecutor() {
    ExecutorService pool = Executors.newFixedThreadPool(4, r -> new Thread(r, "app-pool"));
    try (TestServer t = new TestServer(ServerOptions.builder().handlerExecutor(pool)
        .handlerDispatch(HandlerDispatch.EXECUTOR).build());
        NodeClient c = NodeClient.start(t.url(), "/")) {
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<String> threads = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger onIoThread = new AtomicInteger();
      t.io.use((socket, next) -> {
        threads.add(Thread.currentThread().getName());
        next.proceed();
      });
      t.io.onConnection(s -> s.on("n", (args, ack) -> {
        if (Thread.currentThread() instanceof FastThreadLocalThread) {
          onIoThread.incrementAndGet();
        }
        threads.add(Thread.currentThread().getName());
        Thread.sleep(ThreadLocalRandom.current().nextInt(3));
        order.add(args.get(0, Integer.class));
        if (order.size() == 100) {
          s.emit("all", order.size());
        }
      }));
      c.connected();
      for (int i = 1; i <= 100; i++) {
        c.emit("n", i);
      }
      JsonNode all = c.awaitEvent("all");
      assertThat(all.get(0).asInt()).isEqualTo(100);
      List<Integer> expected = new ArrayList<>();
      for (int i = 1; i <= 100; i++) {
        expected.add(i);
      }
      assertThat(order).isEqualTo(expected);
      assertThat(onIoThread).hasValue(0);
      assertThat(threads).allMatch(n -> n.equals("app-pool"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void theDefaultExecutorIsNotANettyThread() {
    ServerOptions executor = ServerOptions.builder().handlerDispatch(HandlerDispatch.EXECUTOR).build();
    try (TestServer t = new TestServer(executor); NodeClient c = NodeClient.start(t.url(), "/")) {
      t.io.onConnection(s -> s.emit("thread", Thread.currentThread() instanceof FastThreadLocalThread,
          Thread.currentThread().getName()));
      JsonNode args = c.awaitEvent("thread");
      assertThat(args.get(0).asBoolean()).isFalse();
    }
  }
}
