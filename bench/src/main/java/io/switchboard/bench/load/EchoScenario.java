package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code echo}: K clients, each keeping D {@code echo} requests with acknowledgements in flight; reports acks per
 * second, round-trip latency, and the server's CPU per round trip.
 *
 * <pre>{@code
 * java -jar switchboard-bench.jar load echo --port 3000 --server-pid 1234 --clients 100 --in-flight 1
 * }</pre>
 */
final class EchoScenario implements Scenario {
  private volatile boolean running = true;
  private volatile long measureStart;
  private volatile long measureEnd;
  private final Latency latency = new Latency();
  private final LongAdder acks = new LongAdder();
  private final AtomicLong sentMeasured = new AtomicLong();

  @Override
  public JsonLine run(LoadOptions o) throws Exception {
    ProcessProbe server = new ProcessProbe(o.serverPid(), o.serverPid2());
    ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
    String padding = Frames.padding(o);
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
      double cpu0 = server.cpuSeconds();
      double gen0 = self.cpuSeconds();
      long wall0 = System.nanoTime();
      measureStart = System.nanoTime();
      Thread.sleep(o.duration().toMillis());
      measureEnd = System.nanoTime();
      running = false;
      long deadline = System.nanoTime() + o.drain().toNanos();
      while (acks.sum() < sentMeasured.get() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      double wall = (System.nanoTime() - wall0) / 1e9;
      double cpu = server.cpuSeconds() - cpu0;
      double gen = self.cpuSeconds() - gen0;
      long n = acks.sum();
      double seconds = (measureEnd - measureStart) / 1e9;
      return Scenario.header(o, pool)
          .put("connected", clients.size())
          .put("connect_failures", pool.failures())
          .put("in_flight", o.inFlight())
          .put("payload_bytes", o.payloadBytes())
          .put("sent", sentMeasured.get())
          .put("acks", n)
          .put("lost", Math.max(0, sentMeasured.get() - n))
          .put("acks_per_s", n / seconds)
          .put("p50_ms", latency.percentileMillis(50))
          .put("p99_ms", latency.percentileMillis(99))
          .put("p999_ms", latency.percentileMillis(99.9))
          .put("max_ms", latency.maxMillis())
          .put("server_cpu_s", server.enabled() ? cpu : null)
          .put("server_cpu_util", server.enabled() ? cpu / wall : null)
          .put("server_cpu_us_per_ack", server.enabled() && n > 0 ? cpu * 1e6 / n : null)
          .put("server_rss_mb", server.enabled() ? server.rssBytes() / 1048576.0 : null)
          .put("generator_cpu_util", gen / wall)
          .put("errors", pool.sampleErrors());
    }
  }

  private void request(BenchClient c, String padding) {
    long t = System.nanoTime();
    c.write(Frames.echo(c.channel().alloc(), c.nextAckId(), t, padding));
    if (measured(t)) {
      sentMeasured.incrementAndGet();
    }
  }

  private boolean measured(long t) {
    long ms = measureStart;
    long me = measureEnd;
    return ms != 0 && t >= ms && (me == 0 || t < me);
  }

  private ClientListener listener(String padding) {
    return new ClientListener() {
      @Override
      public void onAck(BenchClient c, long id, ByteBuf frame) {
        long t = Frames.timestamp(frame);
        if (t >= 0 && measured(t)) {
          acks.increment();
          latency.recordNanos(System.nanoTime() - t);
        }
        if (running) {
          request(c, padding);
          c.channel().flush();
        }
      }
    };
  }
}
