package io.switchboard.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code fanout}: N clients in one room, one of them broadcasting at R messages/s (or as fast as the window allows
 * when R is 0); after the warm-up, reports per measured round (one JSON line each) deliveries per second, loss,
 * delivery latency, and the server's CPU per delivery.
 *
 * <pre>{@code
 * java -jar switchboard-bench.jar load fanout --port 3000 --server-pid 1234 --clients 1000 --rate 50
 * }</pre>
 */
final class FanoutScenario implements Scenario {
  /** With {@code mixed}: per transport, the receivers, deliveries and latencies; otherwise {@code null}. */
  private static JsonLine byTransport(LoadOptions o, Room room) {
    if (!o.scenario().equals("mixed")) {
      return null;
    }
    JsonLine out = new JsonLine();
    for (BenchClient.Kind k : BenchClient.Kind.values()) {
      long receivers = room.clients().stream().filter(c -> c.kind() == k).count();
      Latency l = room.latency(k);
      out.put(k.name().toLowerCase(java.util.Locale.ROOT), new JsonLine()
          .put("receivers", receivers)
          .put("expected", room.sentMeasured() * receivers)
          .put("delivered", room.delivered(k))
          .put("p50_ms", l.percentileMillis(50))
          .put("p99_ms", l.percentileMillis(99))
          .put("max_ms", l.maxMillis()));
    }
    return out;
  }

  @Override
  public List<JsonLine> run(LoadOptions o) throws Exception {
    ProcessProbe server = new ProcessProbe(o.serverPid(), o.serverPid2());
    ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
    List<JsonLine> lines = new ArrayList<>();
    try (ClientPool pool = new ClientPool(o)) {
      Room room = Room.join(pool, o, o.clients());
      int receivers = room.clients().size();
      room.startEmitter();
      Thread.sleep(o.warmup().toMillis());
      for (int round = 1; round <= o.rounds(); round++) {
        double cpu0 = server.cpuSeconds();
        double gen0 = self.cpuSeconds();
        long wall0 = System.nanoTime();
        room.beginMeasure();
        Thread.sleep(o.duration().toMillis());
        room.endMeasure();
        // CPU over the window itself: in steady state the deliveries of earlier broadcasts landing in it balance
        // those of its own broadcasts landing after it
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = server.cpuSeconds() - cpu0;
        double gen = self.cpuSeconds() - gen0;
        if (round == o.rounds()) {
          room.stop();
        }
        boolean complete = room.drain(receivers);
        long expected = room.sentMeasured() * receivers;
        long delivered = room.delivered();
        Latency l = room.latency();
        lines.add(Scenario.header(o, pool)
            .put("round", round)
            .put("rounds", o.rounds())
            .put("warmup_ms", o.warmup().toMillis())
            .put("connected", receivers)
            .put("connect_failures", pool.failures())
            .put("rate", o.rate())
            .put("window", o.window())
            .put("payload_bytes", o.payloadBytes())
            .put("sent", room.sentMeasured())
            .put("expected", expected)
            .put("delivered", delivered)
            .put("lost", Math.max(0, expected - delivered))
            .put("drained", complete)
            .put("deliveries_per_s", delivered / room.measuredSeconds())
            .put("p50_ms", l.percentileMillis(50))
            .put("p99_ms", l.percentileMillis(99))
            .put("p999_ms", l.percentileMillis(99.9))
            .put("max_ms", l.maxMillis())
            .put("server_cpu_s", server.enabled() ? cpu : null)
            .put("server_cpu_util", server.enabled() ? cpu / wall : null)
            .put("server_cpu_us_per_delivery", server.enabled() && delivered > 0 ? cpu * 1e6 / delivered : null)
            .put("server_rss_mb", server.enabled() ? server.rssBytes() / 1048576.0 : null)
            .put("generator_cpu_util", gen / wall)
            .put("errors", pool.sampleErrors())
            .put("by_transport", byTransport(o, room)));
      }
    }
    return lines;
  }
}
