package io.switchboard.bench.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution in microseconds (HdrHistogram, 3 significant digits, up to one hour), safe to record into
 * from every event loop.
 *
 * <pre>{@code
 * Latency l = new Latency();
 * l.recordNanos(System.nanoTime() - sentAt);
 * l.percentileMillis(99.0);
 * }</pre>
 */
final class Latency {
  private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

  private final Histogram histogram = new ConcurrentHistogram(MAX_MICROS, 3);

  /** Records one sample; negative samples count as zero, samples past one hour as one hour. */
  void recordNanos(long nanos) {
    long micros = Math.min(Math.max(0, nanos / 1000), MAX_MICROS);
    histogram.recordValue(micros);
  }

  /** The number of samples. */
  long count() {
    return histogram.getTotalCount();
  }

  /** The value at {@code percentile} (0..100) in milliseconds, 0 when empty. */
  double percentileMillis(double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** The largest sample in milliseconds. */
  double maxMillis() {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / 1000.0;
  }

  /** The distribution, compressed and in Base64, for {@link #add(String)} in another process. */
  String encoded() {
    Histogram copy = histogram.copy();
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(copy.getNeededByteBufferCapacity());
    int n = copy.encodeIntoCompressedByteBuffer(buf, 9);
    return java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
  }

  /** Adds the samples of a distribution {@link #encoded()} elsewhere. */
  void add(String encoded) {
    try {
      byte[] bytes = java.util.Base64.getDecoder().decode(encoded);
      histogram.add(Histogram.decodeFromCompressedByteBuffer(java.nio.ByteBuffer.wrap(bytes), MAX_MICROS));
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalArgumentException("not an encoded latency distribution", e);
    }
  }

  /** Forgets every sample (end of warm-up). */
  void reset() {
    histogram.reset();
  }
}
