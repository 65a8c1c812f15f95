package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code slow}: one receiver in the room stops reading while the others are flooded; reports the others' latency and
 * loss, the server's memory while the slow receiver's backlog grows, and what happened to the slow receiver. The
 * warm-up floods the room with every receiver reading; each measured round then adds a fresh receiver that stalls.
 *
 * <pre>{@code
 * java -jar switchboard-bench.jar load slow --port 3000 --server-pid 1234 --clients 200 --rate 500 --payload 1024
 * }</pre>
 */
final class SlowScenario implements Scenario {
  private static final int SLOW_RECEIVE_BUFFER = 4096;

  @Override
  public List<JsonLine> run(LoadOptions o) throws Exception {
    ProcessProbe server = new ProcessProbe(o.serverPid(), o.serverPid2());
    ProcessProbe self = new ProcessProbe(ProcessHandle.current().pid());
    List<JsonLine> lines = new ArrayList<>();
    try (ClientPool pool = new ClientPool(o)) {
      Room room = Room.join(pool, o, o.clients());
      int receivers = room.clients().size();
      room.startEmitter();
      Thread.sleep(o.warmup().toMillis()); // the flood, every receiver reading
      for (int round = 1; round <= o.rounds(); round++) {
        lines.add(round(o, pool, room, receivers, server, self, round));
      }
    }
    return lines;
  }

  /** One round: a fresh receiver joins and stalls, the others are flooded for the duration, then it reads again. */
  private static JsonLine round(LoadOptions o, ClientPool pool, Room room, int receivers, ProcessProbe server,
      ProcessProbe self, int round) throws Exception {
    LongAdder slowReceived = new LongAdder();
    AtomicBoolean slowClosed = new AtomicBoolean();
    CountDownLatch slowJoined = new CountDownLatch(1);
    List<BenchClient> slow = pool.connect(1, i -> new ClientListener() {
      @Override
      public void onConnected(BenchClient c) {
        c.send(Frames.join(c.channel().alloc(), c.nextAckId(), Room.NAME));
      }

      @Override
      public void onAck(BenchClient c, long id, ByteBuf frame) {
        c.channel().config().setAutoRead(false); // joined: from now on it reads nothing
        slowJoined.countDown();
      }

      @Override
      public void onEvent(BenchClient c, ByteBuf frame) {
        slowReceived.increment();
      }

      @Override
      public void onClosed(BenchClient c, Throwable cause) {
        slowClosed.set(true);
      }
    }, SLOW_RECEIVE_BUFFER);
    slowJoined.await(o.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    long rss0 = server.rssBytes();
    long rssMax = rss0;
    double cpu0 = server.cpuSeconds();
    double gen0 = self.cpuSeconds();
    long wall0 = System.nanoTime();
    room.beginMeasure();
    long end = System.nanoTime() + o.duration().toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(100);
      rssMax = Math.max(rssMax, server.rssBytes());
    }
    room.endMeasure();
    if (round == o.rounds()) {
      room.stop();
    }
    boolean complete = room.drain(receivers);
    long rssAfterFlood = server.rssBytes();
    double wall = (System.nanoTime() - wall0) / 1e9;
    double cpu = server.cpuSeconds() - cpu0;
    double gen = self.cpuSeconds() - gen0;
    long slowBefore = slowReceived.sum();
    if (!slow.isEmpty()) {
      Channel ch = slow.get(0).channel();
      ch.eventLoop().execute(() -> {
        ch.config().setAutoRead(true);
        ch.read();
      });
      Thread.sleep(Math.min(2000, o.drain().toMillis())); // let it read what the server still holds for it
    }
    long received = slowReceived.sum();
    boolean closed = slowClosed.get();
    for (BenchClient c : slow) {
      c.channel().close().await(2000);
    }
    long expected = room.sentMeasured() * receivers;
    Latency l = room.latency();
    return Scenario.header(o, pool)
        .put("round", round)
        .put("rounds", o.rounds())
        .put("warmup_ms", o.warmup().toMillis())
        .put("connected", receivers)
        .put("connect_failures", pool.failures())
        .put("rate", o.rate())
        .put("payload_bytes", o.payloadBytes())
        .put("sent", room.sentMeasured())
        .put("expected", expected)
        .put("delivered", room.delivered())
        .put("lost", Math.max(0, expected - room.delivered()))
        .put("drained", complete)
        .put("deliveries_per_s", room.delivered() / room.measuredSeconds())
        .put("p50_ms", l.percentileMillis(50))
        .put("p99_ms", l.percentileMillis(99))
        .put("p999_ms", l.percentileMillis(99.9))
        .put("max_ms", l.maxMillis())
        .put("server_cpu_util", server.enabled() ? cpu / wall : null)
        .put("server_rss_mb_before", server.enabled() ? rss0 / 1048576.0 : null)
        .put("server_rss_mb_max", server.enabled() ? rssMax / 1048576.0 : null)
        .put("server_rss_mb_after", server.enabled() ? rssAfterFlood / 1048576.0 : null)
        .put("slow_joined", slow.size() == 1)
        .put("slow_received_while_stalled", slowBefore)
        .put("slow_received_total", received)
        .put("slow_closed_by_server", closed)
        .put("generator_cpu_util", gen / wall)
        .put("errors", pool.sampleErrors());
  }
}
