package io.switchboard.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the Engine.IO codec on the paths every message takes: a WebSocket text packet to wire bytes, a polling payload
 * of several packets, and decoding what a client sends. It sits in the engine's package (in the bench jar only) to
 * reach the package-private parser.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar jmh EngineParserBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EngineParserBenchmark {
  @Param({"64", "1024"})
  public int payloadBytes;

  private String text;
  private String wireText;
  private String payload;
  private List<EngineMessage> batch;

  @Setup
  public void setUp() {
    StringBuilder sb = new StringBuilder("2[\"bcast\",{\"r\":\"bench\",\"t\":123456789,\"p\":\"");
    for (int i = 0; i < payloadBytes; i++) {
      sb.append((char) ('a' + i % 26));
    }
    text = sb.append("\"}]").toString();
    wireText = "4" + text;
    batch = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      batch.add(EngineMessage.text(text));
    }
    payload = EngineParser.encodePayload(batch);
  }

  /** A text message to its WebSocket frame payload ({@code "4" + text} in UTF-8), once per message. */
  @Benchmark
  public byte[] encodeWebSocketPacket() {
    return EngineMessage.text(text).wireBytes();
  }

  /** Eight messages to one long-polling payload. */
  @Benchmark
  public String encodePollingPayload() {
    List<EngineMessage> fresh = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      fresh.add(EngineMessage.text(text));
    }
    return EngineParser.encodePayload(fresh);
  }

  /** A WebSocket text frame from a client to a packet. */
  @Benchmark
  public EnginePacket decodeWebSocketPacket() {
    return EngineParser.decodePacket(wireText);
  }

  /** A long-polling POST body of eight packets. */
  @Benchmark
  public List<EnginePacket> decodePollingPayload() {
    return EngineParser.decodePayload(payload);
  }
}
