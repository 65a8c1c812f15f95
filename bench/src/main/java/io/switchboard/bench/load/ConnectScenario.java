package io.switchboard.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code connect}: N clients open a WebSocket Engine.IO session and connect to {@code /}, a bounded number at a time;
 * reports connects per second, handshake latency, and the server's memory per connection (RSS, and live heap after a
 * full GC when the server is a JVM). The warm-up connects and closes all N clients again and again for
 * {@code --warmup-ms} (at least once when it is not 0); then each measured round connects all N, measures, and closes
 * them.
 *
 * <pre>{@code
 * java -jar switchboard-bench.jar load connect --port 3000 --server-pid 1234 --clients 19000 --sources 16 --rounds 3
 * }</pre>
 */
final class ConnectScenario implements Scenario {
  @Override
  public List<JsonLine> run(LoadOptions o) throws Exception {
    ProcessProbe server = new ProcessProbe(o.serverPid(), o.serverPid2());
    boolean heap = o.liveHeap() && server.isJvm();
    long rssStart = server.rssBytes(); // before any client: RSS hardly shrinks once the heap has grown
    long warmEnd = System.nanoTime() + o.warmup().toNanos();
    int warmups = 0;
    while (!o.warmup().isZero() && (warmups == 0 || System.nanoTime() < warmEnd)) {
      try (ClientPool pool = new ClientPool(o)) {
        pool.connect(o.clients(), i -> new ClientListener() {}, 0);
      }
      warmups++;
      Thread.sleep(500); // the server sees the closes
    }
    List<JsonLine> lines = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      if (round > 1) {
        Thread.sleep(1000);
      }
      lines.add(round(o, server, heap, rssStart).put("round", round).put("rounds", o.rounds())
          .put("warmup_ms", o.warmup().toMillis()).put("warmup_connects", (long) warmups * o.clients()));
    }
    return lines;
  }

  private static JsonLine round(LoadOptions o, ProcessProbe server, boolean heap, long rss0) throws Exception {
    long heap0 = heap ? server.liveHeapBytes() : -1;
    double cpu0 = server.cpuSeconds();
    try (ClientPool pool = new ClientPool(o)) {
      long t0 = System.nanoTime();
      List<BenchClient> clients = pool.connect(o.clients(), i -> new ClientListener() {}, 0);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = server.cpuSeconds() - cpu0;
      Latency handshake = new Latency();
      for (BenchClient c : clients) {
        handshake.recordNanos(c.handshakeNanos());
      }
      Thread.sleep(1000); // let the server settle (timers, buffers) before reading its memory
      long rss1 = server.rssBytes();
      long heap1 = heap ? server.liveHeapBytes() : -1;
      int n = clients.size();
      long still = clients.stream().filter(BenchClient::isConnected).count();
      if (!o.hold().isZero()) {
        System.err.println("holding " + n + " connections for " + o.hold().toMillis() + " ms");
        Thread.sleep(o.hold().toMillis());
      }
      return Scenario.header(o, pool)
          .put("connected", n)
          .put("still_connected", still)
          .put("connect_failures", pool.failures())
          .put("lost", Math.max(0, o.clients() - still))
          .put("sources", o.sources())
          .put("concurrency", o.concurrency())
          .put("connects_per_s", n / seconds)
          .put("p50_ms", handshake.percentileMillis(50))
          .put("p99_ms", handshake.percentileMillis(99))
          .put("max_ms", handshake.maxMillis())
          .put("server_cpu_us_per_connect", server.enabled() && n > 0 ? cpu * 1e6 / n : null)
          .put("server_rss_mb", server.enabled() ? rss1 / 1048576.0 : null)
          .put("rss_kb_per_conn", server.enabled() && n > 0 ? (rss1 - rss0) / 1024.0 / n : null)
          .put("live_heap_kb_per_conn", heap1 >= 0 && heap0 >= 0 && n > 0 ? (heap1 - heap0) / 1024.0 / n : null)
          .put("errors", pool.sampleErrors());
    }
  }
}
