package io.switchboard.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.server.parser.DecoderLimits;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.PacketEncoder;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one broadcast written to N WebSocket connections (EmbeddedChannels with Netty's server frame encoder), three
 * ways: the Socket.IO packet and its Engine.IO frame encoded once and the same bytes wrapped for everyone (what Switchboard does), encoding again for
 * each recipient (what netty-socketio does), and the raw-Netty floor: one pooled buffer, a retained duplicate each.
 * The score is per broadcast; divide by {@code recipients} for the cost per delivery.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar jmh BroadcastEncodingBenchmark -f 1 -wi 3 -i 5
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BroadcastEncodingBenchmark {
  @Param({"1000"})
  public int recipients;

  @Param({"64"})
  public int payloadBytes;

  private EmbeddedChannel[] channels;
  private PacketEncoder encoder;
  private Packet packet;
  private byte[] rawFrame;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    channels = new EmbeddedChannel[recipients];
    for (int i = 0; i < recipients; i++) {
      channels[i] = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
      channels[i].config().setAllocator(PooledByteBufAllocator.DEFAULT);
    }
    encoder = new PacketEncoder(new ObjectMapper());
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < payloadBytes; i++) {
      p.append((char) ('a' + i % 26));
    }
    String text = "2[\"bcast\",{\"r\":\"bench\",\"t\":123456789,\"p\":\"" + p + "\"}]";
    packet = new PacketDecoder(DecoderLimits.DEFAULT).decode(text);
    rawFrame = ("4" + text).getBytes(StandardCharsets.UTF_8);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (EmbeddedChannel ch : channels) {
      ch.finishAndReleaseAll();
    }
  }

  /** Encode once: one Socket.IO encoding, one Engine.IO message, its bytes wrapped for every channel. */
  @Benchmark
  public int encodeOnce() {
    byte[] wire = ("4" + encoder.encode(packet).text()).getBytes(StandardCharsets.UTF_8);
    for (EmbeddedChannel ch : channels) {
      ch.writeOneOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(wire)), ch.voidPromise());
      ch.flushOutbound();
    }
    return drain();
  }

  /** Encode per recipient: the packet encoded to JSON and UTF-8 again for each channel. */
  @Benchmark
  public int encodePerRecipient() {
    for (EmbeddedChannel ch : channels) {
      byte[] wire = ("4" + encoder.encode(packet).text()).getBytes(StandardCharsets.UTF_8);
      ch.writeOneOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(wire)), ch.voidPromise());
      ch.flushOutbound();
    }
    return drain();
  }

  /** The raw-Netty floor: the frame bytes already in one pooled buffer, a retained duplicate per channel. */
  @Benchmark
  public int rawNettyFloor() {
    ByteBuf once = PooledByteBufAllocator.DEFAULT.directBuffer(rawFrame.length).writeBytes(rawFrame);
    for (EmbeddedChannel ch : channels) {
      ch.writeOneOutbound(new TextWebSocketFrame(once.retainedDuplicate()), ch.voidPromise());
      ch.flushOutbound();
    }
    once.release();
    return drain();
  }

  private int drain() {
    int bytes = 0;
    for (EmbeddedChannel ch : channels) {
      Object o;
      while ((o = ch.readOutbound()) != null) {
        bytes += ((ByteBuf) o).readableBytes();
        ReferenceCountUtil.release(o);
      }
    }
    return bytes;
  }
}
