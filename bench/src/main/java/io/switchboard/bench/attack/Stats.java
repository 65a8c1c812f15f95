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

  /** Nanoseconds as milliseconds with one decimal; negative (no value) stays -1. */
  static double ms(long nanos) {
    return nanos < 0 ? -1 : Math.round(nanos / 100_000.0) / 10.0;
  }

  /** The {@code p}th percentile of {@code nanos} in milliseconds with one decimal, or null when there are none. */
  static Double msOrNull(long[] nanos, double p) {
    return nanos.length == 0 ? null : ms(percentile(nanos, p));
  }

  /** The {@code p}th percentile of {@code values}, or null when there are none. */
  static Long orNull(long[] values, double p) {
    return values.length == 0 ? null : percentile(values, p);
  }

  /** "p50 x ms, p90 y ms, max z ms" of {@code nanos}, or "-" when there are none. */
  static String describeMs(long[] nanos) {
    return nanos.length == 0 ? "-" : String.format(java.util.Locale.ROOT, "p50 %.1f ms, p90 %.1f ms, max %.1f ms",
        ms(percentile(nanos, 50)), ms(percentile(nanos, 90)), ms(percentile(nanos, 100)));
  }

  /** One decimal. */
  static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
