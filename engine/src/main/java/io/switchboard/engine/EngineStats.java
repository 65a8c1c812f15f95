package io.switchboard.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of how often the server refused input, by {@link Refusal}, since it started.
 *
 * <pre>{@code
 * EngineStats stats = engine.stats();
 * if (stats.count(Refusal.UNTRUSTED_INPUT_LIMIT) > 0) {
 *   log.warn("clients sent too much before signing in: {}", stats);
 * }
 * }</pre>
 */
public final class EngineStats {
  private static final Refusal[] REFUSALS = Refusal.values();
  private final long[] counts;

  EngineStats(long[] counts) {
    this.counts = counts.clone();
  }

  /** {@return how many times input was refused for this cause} */
  public long count(Refusal refusal) {
    return counts[refusal.ordinal()];
  }

  /** {@return how many refusals there were, all causes together} */
  public long total() {
    long sum = 0;
    for (long c : counts) {
      sum += c;
    }
    return sum;
  }

  /** {@return the counts by cause, every cause present} */
  public Map<Refusal, Long> asMap() {
    Map<Refusal, Long> map = new EnumMap<>(Refusal.class);
    for (Refusal r : REFUSALS) {
      map.put(r, counts[r.ordinal()]);
    }
    return Collections.unmodifiableMap(map);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("EngineStats{");
    boolean first = true;
    for (Refusal r : REFUSALS) {
      if (counts[r.ordinal()] != 0) {
        sb.append(first ? "" : ", ").append(r).append('=').append(counts[r.ordinal()]);
        first = false;
      }
    }
    return sb.append('}').toString();
  }
}
