package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code echo}: K clients, each keeping D {@code echo} requests with acknowledgements in flight; after the warm-up,
 * reports per measured round (one JSON line each) acks per second, round-trip latency, and the server's CPU per round
 * trip.
 *
 * <pre>{@code
 * java -jar switchboard-bench.jar load echo --port 3000 --server-pid 1234 --clients 100 --in-flight 1 --rounds 3
 * }</pre>
 */
final class EchoScenario implements Scenario {
  private volatile boolean running = true;
  /** The measured window of the current round, or {@code null} during the warm-up. */
  private volatile Window window;

  /** One round: the requests sent in it and their acks. */
  private static final class Window {
    final long start = System.nanoTime();
    volatile long end = Long.MAX_VALUE;
    final Latency latency = new Latency();
    final LongAdder acks = new LongAdder();
    final AtomicLong sent = new AtomicLong();

    boolean contains(long t) {
      return t >= start && t < end;
    }
  }

  @Override
  public List<JsonLine> run(LoadOptions o) throws Exception {
    ProcessProbe server = new ProcessProbe(o.serverPid(), o.serverPid2());
    ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
    String padding = Frames.padding(o);
    List<JsonLine> lines = new ArrayList<>();
    try (ClientPool pool = new ClientPool(o)) {
      List<BenchClient> clients = pool.connect(o.clients(), i -> listener(padding), 0);
      for (BenchClient c : clients) {
        c.channel().eventLoop().execute(() -> {
          for (int k = 0; k < o.inFlight(); k++) {
            request(c, padding);
          }
          c.channel().flush();
        });
      }
      Thread.sleep(o.warmup().toMillis());
      for (int round = 1; round <= o.rounds(); round++) {
        double cpu0 = server.cpuSeconds();
        double gen0 = self.cpuSeconds();
        long wall0 = System.nanoTime();
        Window w = new Window();
        window = w;
        Thread.sleep(o.duration().toMillis());
        w.end = System.nanoTime();
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = server.cpuSeconds() - cpu0;
        double gen = self.cpuSeconds() - gen0;
        if (round == o.rounds()) {
          running = false;
        }
        long deadline = System.nanoTime() + o.drain().toNanos();
        while (w.acks.sum() < w.sent.get() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        long n = w.acks.sum();
        double seconds = (w.end - w.start) / 1e9;
        lines.add(Scenario.header(o, pool)
            .put("round", round)
            .put("rounds", o.rounds())
            .put("warmup_ms", o.warmup().toMillis())
            .put("connected", clients.size())
            .put("connect_failures", pool.failures())
            .put("in_flight", o.inFlight())
            .put("payload_bytes", o.payloadBytes())
            .put("sent", w.sent.get())
            .put("acks", n)
            .put("lost", Math.max(0, w.sent.get() - n))
            .put("acks_per_s", n / seconds)
            .put("p50_ms", w.latency.percentileMillis(50))
            .put("p99_ms", w.latency.percentileMillis(99))
            .put("p999_ms", w.latency.percentileMillis(99.9))
            .put("max_ms", w.latency.maxMillis())
            .put("server_cpu_s", server.enabled() ? cpu : null)
            .put("server_cpu_util", server.enabled() ? cpu / wall : null)
            .put("server_cpu_us_per_ack", server.enabled() && n > 0 ? cpu * 1e6 / n : null)
            .put("server_rss_mb", server.enabled() ? server.rssBytes() / 1048576.0 : null)
            .put("generator_cpu_util", gen / wall)
            .put("errors", pool.sampleErrors()));
      }
    }
    return lines;
  }

  private void request(BenchClient c, String padding) {
    long t = System.nanoTime();
    c.write(Frames.echo(c.channel().alloc(), c.nextAckId(), t, padding));
    Window w = window;
    if (w != null && w.contains(t)) {
      w.sent.incrementAndGet();
    }
  }

  private ClientListener listener(String padding) {
    return new ClientListener() {
      @Override
      public void onAck(BenchClient c, long id, ByteBuf frame) {
        long t = Frames.timestamp(frame);
        Window w = window;
        if (t >= 0 && w != null && w.contains(t)) {
          w.acks.increment();
          w.latency.recordNanos(System.nanoTime() - t);
        }
        if (running) {
          request(c, padding);
          c.channel().flush();
        }
      }
    };
  }
}
