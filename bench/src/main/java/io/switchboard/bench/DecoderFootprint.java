package io.switchboard.bench;

import io.switchboard.server.parser.DecoderLimits;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.ProtocolViolationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the heap one Socket.IO {@link PacketDecoder} keeps (one per connected client): it builds N decoders, has
 * each decode a CONNECT and an event, and divides the growth of the live heap (after full GCs) by N.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar footprint 10000
 * }</pre>
 */
public final class DecoderFootprint {
  private DecoderFootprint() {}

  /** Bytes of heap per decoder, measured over {@code n} decoders. */
  public static long bytesPerDecoder(int n) throws ProtocolViolationException, InterruptedException {
    long before = liveHeap();
    List<PacketDecoder> decoders = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      PacketDecoder d = new PacketDecoder(DecoderLimits.DEFAULT);
      d.decode("0");
      d.decode("2[\"echo\",{\"t\":1,\"p\":\"abc\"}]");
      decoders.add(d);
    }
    long after = liveHeap();
    if (decoders.size() != n) {
      throw new IllegalStateException();
    }
    return (after - before) / n;
  }

  private static long liveHeap() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  public static void main(String... args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    if (n < 1 || n > 1_000_000) {
      throw new IllegalArgumentException("1..1000000 decoders");
    }
    System.out.println("{\"decoders\":" + n + ",\"bytes_per_decoder\":" + bytesPerDecoder(n) + "}");
  }
}
