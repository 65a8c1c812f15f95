package io.switchboard.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code crowd}: this generator's share of one big room spread over several servers (clients round-robin over
 * {@code --port}, {@code --port2} and {@code --more-ports}) and several generator processes; exactly one generator
 * ({@code --emit true}) broadcasts to the room at {@code --rate} messages/s. The measured rounds lie at wall-clock times
 * every generator agrees on ({@code --start-at} epoch ms, then {@code --duration-ms} each with {@code --drain-ms}
 * between), so that processes that never talk to each other count the same broadcasts; each prints one JSON line per
 * round with its deliveries and its latency distribution, and {@link #merge} sums the lines of all the generators.
 *
 * <pre>{@code
 * java -jar switchboard-bench.jar load crowd --port 4001 --port2 4002 --more-ports 4003 --clients 12500 \
 *     --source-base 10 --sources 8 --emit true --rate 1 --start-at 1764712800000 --duration-ms 10000 --rounds 3
 * java -jar switchboard-bench.jar crowd-merge gen-*.json
 * }</pre>
 *
 * <p>Latency is taken between processes: {@code System.nanoTime()} is the machine's monotonic clock on Linux, the same
 * in every process.
 */
final class CrowdScenario implements Scenario {
  private final LongAdder[] delivered;
  private final Latency[] latency;
  private final AtomicLong[] sent;
  private final LongAdder warmupDeliveries = new LongAdder();
  private long firstStart;
  private long period;
  private long length;
  private int rounds;

  CrowdScenario() {
    this.delivered = new LongAdder[100];
    this.latency = new Latency[100];
    this.sent = new AtomicLong[100];
    for (int i = 0; i < 100; i++) {
      delivered[i] = new LongAdder();
      latency[i] = new Latency();
      sent[i] = new AtomicLong();
    }
  }

  /** The round (0-based) whose window holds {@code t}, or -1. */
  private int roundOf(long t) {
    if (t < firstStart) {
      return -1;
    }
    long k = (t - firstStart) / period;
    return k < rounds && t - firstStart - k * period < length ? (int) k : -1;
  }

  @Override
  public List<JsonLine> run(LoadOptions o) throws Exception {
    ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
    rounds = o.rounds();
    length = o.duration().toNanos();
    period = length + o.drain().toNanos();
    try (ClientPool pool = new ClientPool(o)) {
      int n = o.clients();
      CountDownLatch joined = new CountDownLatch(n);
      long t0 = System.nanoTime();
      List<BenchClient> clients = pool.connect(n, i -> listener(joined), 0);
      joined.await(o.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      System.err.printf("crowd: %d of %d joined in %.1f s (%d failures)%n", n - joined.getCount(), n, connectSeconds,
          pool.failures());
      long startAtMs = o.startAt() > 0 ? o.startAt() : System.currentTimeMillis() + o.warmup().toMillis();
      firstStart = System.nanoTime() + (startAtMs - System.currentTimeMillis()) * 1_000_000L;
      long lastEnd = firstStart + (rounds - 1) * period + length;
      ScheduledFuture<?> emitter = null;
      if (o.emit()) {
        BenchClient e = clients.stream().filter(c -> c.index() == 0).findFirst()
            .orElseThrow(() -> new IllegalStateException("the emitter did not connect"));
        String padding = Frames.padding(o);
        long every = 1_000_000_000L / Math.max(1, o.rate());
        emitter = e.channel().eventLoop().scheduleAtFixedRate(() -> {
          long t = System.nanoTime();
          if (t >= lastEnd || !e.isConnected()) {
            return;
          }
          e.send(Frames.bcast(e.channel().alloc(), Room.NAME, t, padding));
          int r = roundOf(t);
          if (r >= 0) {
            sent[r].incrementAndGet();
          }
        }, every / 2, every, TimeUnit.NANOSECONDS);
      }
      double gen0 = self.cpuSeconds();
      long wait = (lastEnd - System.nanoTime()) / 1_000_000L + o.drain().toMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      if (emitter != null) {
        emitter.cancel(false);
      }
      double gen = self.cpuSeconds() - gen0;
      long connected = clients.stream().filter(BenchClient::isConnected).count();
      List<JsonLine> lines = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        lines.add(Scenario.header(o, pool)
            .put("round", r + 1)
            .put("rounds", rounds)
            .put("source_base", o.sourceBase())
            .put("sources", o.sources())
            .put("joined", n - joined.getCount())
            .put("still_connected", connected)
            .put("connect_failures", pool.failures())
            .put("connect_s", connectSeconds)
            .put("emit", o.emit())
            .put("rate", o.rate())
            .put("duration_s", length / 1e9)
            .put("sent", o.emit() ? sent[r].get() : null)
            .put("delivered", delivered[r].sum())
            .put("warmup_deliveries", warmupDeliveries.sum())
            .put("p50_ms", latency[r].percentileMillis(50))
            .put("p99_ms", latency[r].percentileMillis(99))
            .put("max_ms", latency[r].maxMillis())
            .put("generator_cpu_s", gen)
            .put("latency_hist", latency[r].encoded())
            .put("errors", pool.sampleErrors()));
      }
      return lines;
    }
  }

  private ClientListener listener(CountDownLatch joined) {
    return new ClientListener() {
      @Override
      public void onConnected(BenchClient c) {
        c.send(Frames.join(c.channel().alloc(), c.nextAckId(), Room.NAME));
      }

      @Override
      public void onAck(BenchClient c, long id, ByteBuf frame) {
        joined.countDown();
      }

      @Override
      public void onEvent(BenchClient c, ByteBuf frame) {
        long t = Frames.timestamp(frame);
        if (t < 0) {
          return;
        }
        int r = roundOf(t);
        if (r >= 0) {
          delivered[r].increment();
          latency[r].recordNanos(System.nanoTime() - t);
        } else {
          warmupDeliveries.increment();
        }
      }
    };
  }

  /**
   * Sums the round lines of every generator of one crowd run (one file each) into one line per round: broadcasts sent,
   * receivers, deliveries expected and delivered, losses, deliveries/s and the latency of all deliveries.
   *
   * @param files the generators' outputs
   * @return one JSON line per round
   * @throws java.io.IOException when a file cannot be read
   */
  static List<String> merge(List<Path> files) throws java.io.IOException {
    ObjectMapper mapper = new ObjectMapper();
    TreeMap<Integer, List<JsonNode>> byRound = new TreeMap<>();
    for (Path f : files) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (line.startsWith("{")) {
          JsonNode node = mapper.readTree(line);
          byRound.computeIfAbsent(node.path("round").asInt(), k -> new ArrayList<>()).add(node);
        }
      }
    }
    List<String> out = new ArrayList<>();
    byRound.forEach((round, nodes) -> {
      long sentCount = 0;
      long receivers = 0;
      long deliveredCount = 0;
      long failures = 0;
      int emitters = 0;
      double seconds = 0;
      Latency all = new Latency();
      for (JsonNode n : nodes) {
        if (n.path("emit").asBoolean()) {
          emitters++;
          sentCount += n.path("sent").asLong();
        }
        receivers += n.path("still_connected").asLong();
        deliveredCount += n.path("delivered").asLong();
        failures += n.path("connect_failures").asLong();
        seconds = n.path("duration_s").asDouble();
        all.add(n.path("latency_hist").asText());
      }
      long expected = sentCount * receivers;
      out.add(new JsonLine()
          .put("scenario", "crowd")
          .put("round", round)
          .put("generators", nodes.size())
          .put("emitters", emitters)
          .put("receivers", receivers)
          .put("connect_failures", failures)
          .put("sent", sentCount)
          .put("expected", expected)
          .put("delivered", deliveredCount)
          .put("lost", Math.max(0, expected - deliveredCount))
          .put("deliveries_per_s", seconds > 0 ? deliveredCount / seconds : null)
          .put("p50_ms", all.percentileMillis(50))
          .put("p99_ms", all.percentileMillis(99))
          .put("p999_ms", all.percentileMillis(99.9))
          .put("max_ms", all.maxMillis())
          .toString());
    });
    return out;
  }

  /**
   * {@code crowd-merge <file>…}: prints the merged line of every round.
   *
   * @param args the generators' output files
   * @throws java.io.IOException when a file cannot be read
   */
  static void mergeMain(String... args) throws java.io.IOException {
    merge(java.util.Arrays.stream(args).map(Path::of).toList()).forEach(System.out::println);
  }
}
