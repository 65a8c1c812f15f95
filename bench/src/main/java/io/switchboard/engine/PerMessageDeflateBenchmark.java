package io.switchboard.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the CPU cost of {@code permessage-deflate} per message: building a message's WebSocket frame plain, compressed
 * on its own (no server context takeover: done once per broadcast, whatever the number of recipients), compressed
 * with a connection's own context (context takeover: once per recipient), at level 1 and 6, and inflating a client's
 * compressed message. The payload is a Socket.IO chat event ({@code 42["message",{...}]}) of about
 * {@code payloadBytes} bytes of JSON with varied text.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar jmh PerMessageDeflateBenchmark -f 1 -wi 2 -i 3
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PerMessageDeflateBenchmark {
  @Param({"1200", "16000"})
  public int payloadBytes;

  private String text;
  private PerMessageDeflate level1;
  private PerMessageDeflate level6;
  private Deflater connectionDeflater;
  private byte[] compressedPayload;
  private Inflater inflater;
  private byte[] inflated;

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(42);
    StringBuilder b = new StringBuilder("2[\"message\",[");
    String[] words = {"hello", "world", "meeting", "tomorrow", "room", "alice", "bob", "deploy", "build", "thanks",
        "lunch", "review", "the", "a", "is", "at", "on", "ok"};
    int id = 1000;
    while (b.length() < payloadBytes) {
      b.append("{\"id\":").append(id++).append(",\"room\":\"general\",\"user\":\"user").append(random.nextInt(50))
          .append("\",\"text\":\"");
      for (int w = 0; w < 8 + random.nextInt(12); w++) {
        b.append(words[random.nextInt(words.length)]).append(' ');
      }
      b.append("\",\"at\":").append(1_764_000_000_000L + random.nextInt(1_000_000)).append("},");
    }
    b.setLength(b.length() - 1);
    b.append("]]");
    text = b.toString();
    level1 = PerMessageDeflate.builder().enabled(true).level(1).build();
    level6 = PerMessageDeflate.builder().enabled(true).level(6).build();
    connectionDeflater = new Deflater(1, true);
    byte[] frame = EngineMessage.text(text).webSocketFrame(level1);
    int header = (frame[1] & 0x7F) < 126 ? 2 : (frame[1] & 0x7F) == 126 ? 4 : 10;
    compressedPayload = Arrays.copyOfRange(frame, header, frame.length);
    inflater = new Inflater(true);
    inflated = new byte[payloadBytes * 2 + 1024];
    int plain = EngineMessage.text(text).webSocketFrame().length;
    System.out.printf("%n%d-byte message: frame %d bytes plain, %d deflated (level 1), %d (level 6)%n",
        text.getBytes(StandardCharsets.UTF_8).length, plain, frame.length,
        EngineMessage.text(text).webSocketFrame(level6).length);
  }

  /** Encoding the frame without compression (the baseline every message pays). */
  @Benchmark
  public byte[] plainFrame() {
    return EngineMessage.text(text).webSocketFrame();
  }

  /** Encoding and compressing at level 1 without context: once per message, shared by all recipients. */
  @Benchmark
  public byte[] deflatedFrameLevel1() {
    return EngineMessage.text(text).webSocketFrame(level1);
  }

  /** The same at level 6 (zlib's default, Node's and netty-socketio's). */
  @Benchmark
  public byte[] deflatedFrameLevel6() {
    return EngineMessage.text(text).webSocketFrame(level6);
  }

  /** With server context takeover: the connection's own compressor, per recipient. */
  @Benchmark
  public byte[] contextTakeoverFrame() {
    return EngineMessage.text(text).webSocketFrame(level1, connectionDeflater);
  }

  /**
   * The same operations timed by the thread's CPU time instead of the wall clock, which a loaded machine inflates
   * less: {@code java -cp bench/target/switchboard-bench.jar io.switchboard.engine.PerMessageDeflateBenchmark}. Prints
   * the median of 3 rounds and their spread, in µs of CPU per operation.
   */
  public static void main(String[] args) throws Exception {
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    // the first pass only warms the JIT up; the second is printed
    for (int pass = 0; pass < 2; pass++) {
    for (int size : new int[] {1200, 16000}) {
      PerMessageDeflateBenchmark b = new PerMessageDeflateBenchmark();
      b.payloadBytes = size;
      b.setUp();
      String[] names = {"plainFrame", "deflatedFrameLevel1", "deflatedFrameLevel6", "contextTakeoverFrame",
          "inflate"};
      int n = size < 10_000 ? 20_000 : 2_000;
      for (String name : names) {
        double[] rounds = new double[3];
        for (int warm = 0; warm < 2; warm++) {
          run(b, name, n);
        }
        for (int r = 0; r < rounds.length; r++) {
          long t0 = cpu.getCurrentThreadCpuTime();
          run(b, name, n);
          rounds[r] = (cpu.getCurrentThreadCpuTime() - t0) / 1000.0 / n;
        }
        Arrays.sort(rounds);
        if (pass == 0) {
          continue;
        }
        System.out.printf("%6d bytes %-22s %8.2f µs CPU/op (%.2f to %.2f)%n", size, name, rounds[1], rounds[0],
            rounds[2]);
      }
    }
    }
  }

  private static void run(PerMessageDeflateBenchmark b, String name, int n) throws Exception {
    long sink = 0;
    for (int i = 0; i < n; i++) {
      sink += switch (name) {
        case "plainFrame" -> b.plainFrame().length;
        case "deflatedFrameLevel1" -> b.deflatedFrameLevel1().length;
        case "deflatedFrameLevel6" -> b.deflatedFrameLevel6().length;
        case "contextTakeoverFrame" -> b.contextTakeoverFrame().length;
        default -> b.inflate();
      };
    }
    if (sink == 42) {
      System.out.print("");
    }
  }

  /** Inflating one compressed client message (no client context takeover: reset after each message). */
  @Benchmark
  public int inflate() throws Exception {
    inflater.setInput(compressedPayload);
    int n = inflater.inflate(inflated);
    inflater.setInput(new byte[] {0, 0, (byte) 0xFF, (byte) 0xFF});
    n += inflater.inflate(inflated, n, inflated.length - n);
    inflater.reset();
    return n;
  }
}
