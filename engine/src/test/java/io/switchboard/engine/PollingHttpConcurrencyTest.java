package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sends from several threads at once, raw over HTTP and WebSocket: nothing is lost or duplicated, each thread's
 * messages keep their order, and many sessions echo side by side.
 */
class PollingHttpConcurrencyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int THREADS = 4;
  private static final int PER_THREAD = 500;

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;
  private ExecutorService pool;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .pingInterval(Duration.ofSeconds(30))
        .pingTimeout(Duration.ofSeconds(30))
        .build());
    eio = server.eio();
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    server.close();
  }

  /** Starts THREADS senders, each sending "t<thread>-<n>" for n in 0..PER_THREAD-1, released together. */
  private List<Future<?>> sendFromThreads(EngineSocket socket) {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> senders = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      senders.add(pool.submit(() -> {
        go.await();
        for (int n = 0; n < PER_THREAD; n++) {
          socket.send("t" + thread + "-" + n);
        }
        return null;
      }));
    }
    go.countDown();
    return senders;
  }

  private static void assertPerThreadOrder(List<String> received) {
    assertThat(received).hasSize(THREADS * PER_THREAD).doesNotHaveDuplicates();
    Map<String, Integer> next = new HashMap<>();
    for (String m : received) {
      String[] parts = m.split("-");
      int expected = next.getOrDefault(parts[0], 0);
      assertThat(Integer.parseInt(parts[1])).as("order of %s", parts[0]).isEqualTo(expected);
      next.put(parts[0], expected + 1);
    }
  }

  @Test
  void sendsFromSeveralThreadsToAWebSocketSessionKeepEachThreadsOrder() throws Exception {
    try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
      String sid = EngineHttpClient.parseOpen(ws.awaitText(WAIT)).sid();
      List<Future<?>> senders = sendFromThreads(server.awaitSocket(sid, WAIT));
      List<String> received = new ArrayList<>();
      for (int i = 0; i < THREADS * PER_THREAD; i++) {
        received.add(ws.awaitText(WAIT).substring(1));
      }
      for (Future<?> f : senders) {
        f.get();
      }
      assertPerThreadOrder(received);
    }
  }

  @Test
  void sendsFromSeveralThreadsToAPollingSessionKeepEachThreadsOrder() throws Exception {
    String sid = eio.openPolling().sid();
    List<Future<?>> senders = sendFromThreads(server.awaitSocket(sid, WAIT));
    List<String> received = new ArrayList<>();
    Await.until("all messages polled", WAIT, () -> {
      for (String p : EngineHttpClient.packets(eio.poll(sid).body())) {
        assertThat(p).startsWith("4");
        received.add(p.substring(1));
      }
      return received.size() >= THREADS * PER_THREAD;
    });
    for (Future<?> f : senders) {
      f.get();
    }
    assertPerThreadOrder(received);
  }

  @Test
  void manySessionsOnBothTransportsEchoSideBySide() {
    int sessions = 20;
    int messages = 20;
    List<CompletableFuture<List<String>>> results = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      for (int s = 0; s < sessions; s++) {
        int session = s;
        results.add(CompletableFuture.supplyAsync(() -> {
          List<String> echoed = new ArrayList<>();
          if (session % 2 == 0) {
            try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
              EngineHttpClient.parseOpen(ws.awaitText(WAIT));
              for (int m = 0; m < messages; m++) {
                ws.sendText("4s" + session + "m" + m);
                echoed.add(ws.awaitText(WAIT));
              }
            }
          } else {
            String sid = eio.openPolling().sid();
            for (int m = 0; m < messages; m++) {
              eio.push(sid, "4s" + session + "m" + m);
              echoed.addAll(EngineHttpClient.packets(eio.poll(sid).body()));
            }
          }
          return echoed;
        }, clients));
      }
      for (int s = 0; s < sessions; s++) {
        List<String> expected = new ArrayList<>();
        for (int m = 0; m < messages; m++) {
          expected.add("4s" + s + "m" + m);
        }
        assertThat(results.get(s).orTimeout(WAIT.toSeconds() * 2, java.util.concurrent.TimeUnit.SECONDS).join())
            .as("session %d", s).containsExactlyElementsOf(expected);
      }
    } finally {
      clients.shutdownNow();
    }
  }
}
