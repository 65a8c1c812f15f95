package io.switchboard.bench.attack;

import java.util.Arrays;

/**
 * Percentiles of small samples (one value per connection or per probe) and rounding for the JSON line.
 *
 * <pre>{@code
 * long p90 = Stats.percentile(closeNanos, 90);   // nearest rank; -1 for an empty sample
 * double ms = Stats.ms(p90);                     // 10012.3
 * }</pre>
 */
final class Stats {
  private Stats() {}

  /** The nearest-rank {@code p}th percentile (0 < p <= 100) of {@code values}, or -1 when there are none. */
  static long percentile(long[] values, double p) {
    if (values.length == 0) {
      return -1;
    }
    long[] v = values.clone();
    Arrays.sort(v);
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  /** Nanoseconds as milliseconds with one decimal; negative stays -1 (no value). */
  static double ms(long nanos) {
    return nanos < 0 ? -1 : Math.round(nanos / 100_000.0) / 10.0;
  }

  /** One decimal. */
  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
