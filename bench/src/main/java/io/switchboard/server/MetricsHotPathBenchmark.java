package io.switchboard.server;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: what the statistics add to one echo round trip (an event in, its handler run, an ack out) on the server's own
 * counters, with durations off (nobody bound a binder) and on ({@code SwitchboardMetrics} bound), on one thread and
 * on two contending ones. It sits in the server's package (in the bench jar only) to reach the package-private hooks.
 * The echo round trip itself costs about 17 µs of server CPU (docs/benchmarks.md).
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar jmh MetricsHotPathBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsHotPathBenchmark {
  @Param({"false", "true"})
  public boolean durations;

  @Param({"false", "true"})
  public boolean eventNames;

  private Server io;
  private ServerStats stats;
  private NamespaceStats nsp;
  /** Stand-ins for the Engine.IO layer's byte counters (package-private there): one add each way per message. */
  private final java.util.concurrent.atomic.LongAdder bytesIn = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder bytesOut = new java.util.concurrent.atomic.LongAdder();

  @Setup(Level.Trial)
  public void setup() {
    io = new Server(ServerOptions.builder().serveClient(false).build());
    stats = io.stats();
    nsp = io.sockets().stats();
    if (durations) {
      stats.measureTimes();
    }
    if (eventNames) {
      stats.countEventNames(Set.of("echo", "chat message", "typing"));
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    io.close();
  }

  /** The counters one echo round trip bumps: queued, dequeued (and timed), received, ack pending and answered. */
  @Benchmark
  @Threads(1)
  public long echoRoundTrip() {
    return roundTrip();
  }

  /** The same from two threads at once, on the same counters (two clients of one namespace on two cores). */
  @Benchmark
  @Threads(2)
  public long echoRoundTripContended() {
    return roundTrip();
  }

  private long roundTrip() {
    bytesIn.add(24);                                // EngineSession.deliver
    stats.handlerQueueDepth.increment();            // SerialExecutor.execute
    stats.handlerQueueDepth.decrement();            // SerialExecutor.drain
    long start = stats.timing ? System.nanoTime() : 0;
    nsp.received("echo");                           // Socket.onEvent
    nsp.sent("echo", 1);                            // the ack's emit counts as an event out here: an upper bound
    if (start != 0) {
      stats.handlerTime.record(System.nanoTime() - start);
    }
    bytesOut.add(24);                               // EngineSession.send
    nsp.acksPending.increment();                    // an emitWithAck's pending ack (the other direction's share)
    long sentAt = stats.timing ? System.nanoTime() : 0;
    nsp.acksPending.decrement();
    if (sentAt != 0) {
      stats.ackRoundTrip.record(System.nanoTime() - sentAt);
    }
    return start + sentAt;
  }

  /** The floor: nothing counted. */
  @Benchmark
  @Threads(1)
  public long baseline() {
    return 0;
  }
}
