package io.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.parser.DecoderLimits;
import io.switchboard.server.parser.EncodedPacket;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.PacketEncoder;
import io.switchboard.server.parser.ProtocolViolationException;
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
 * JMH: the Socket.IO packet encoder and decoder on the bench's messages (an event with an object argument, an ack).
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar jmh SocketIoParserBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SocketIoParserBenchmark {
  @Param({"64", "1024"})
  public int payloadBytes;

  private PacketEncoder encoder;
  private PacketDecoder decoder;
  private Packet event;
  private Packet ack;
  private String eventText;
  private String ackText;

  @Setup
  public void setUp() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    encoder = new PacketEncoder(mapper);
    decoder = new PacketDecoder(DecoderLimits.DEFAULT);
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < payloadBytes; i++) {
      p.append((char) ('a' + i % 26));
    }
    eventText = "2[\"bcast\",{\"r\":\"bench\",\"t\":123456789,\"p\":\"" + p + "\"}]";
    ackText = "317[{\"t\":123456789,\"p\":\"" + p + "\"}]";
    event = decoder.decode(eventText);
    JsonNode args = mapper.readTree("[{\"t\":123456789,\"p\":\"" + p + "\"}]");
    ack = Packet.ack("/", args, 17);
  }

  @Benchmark
  public EncodedPacket encodeEvent() {
    return encoder.encode(event);
  }

  @Benchmark
  public EncodedPacket encodeAck() {
    return encoder.encode(ack);
  }

  @Benchmark
  public Packet decodeEvent() throws ProtocolViolationException {
    return decoder.decode(eventText);
  }

  @Benchmark
  public Packet decodeAck() throws ProtocolViolationException {
    return decoder.decode(ackText);
  }
}
