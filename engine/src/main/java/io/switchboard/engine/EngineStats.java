package io.switchboard.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of how often the server refused input, by {@link Refusal}, and of its traffic (sessions opened,
 * upgrades, request errors by {@link ErrorCode}, bytes in and out), since it started.
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
  private static final ErrorCode[] ERRORS = ErrorCode.values();
  private final long[] counts;
  private final long[] errors;
  private final long opened;
  private final long upgrades;
  private final long bytesIn;
  private final long bytesOut;

  EngineStats(long[] counts, long[] errors, long opened, long upgrades, long bytesIn, long bytesOut) {
    this.counts = counts.clone();
    this.errors = errors.clone();
    this.opened = opened;
    this.upgrades = upgrades;
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
  }

  /**
   * {@return how many requests were answered with this Engine.IO error (unknown transport, unknown sid, forbidden…)}
   *
   * @param code the error
   */
  public long errors(ErrorCode code) {
    return errors[code.ordinal()];
  }

  /** {@return how many sessions were opened (handshakes that succeeded)} */
  public long opened() {
    return opened;
  }

  /** {@return how many sessions moved from polling to WebSocket} */
  public long upgrades() {
    return upgrades;
  }

  /** {@return the payload received in messages: characters of text messages plus bytes of binary ones} */
  public long bytesIn() {
    return bytesIn;
  }

  /**
   * {@return the bytes queued for clients: each message counted as its WebSocket frame (header included), whatever
   * the transport}
   */
  public long bytesOut() {
    return bytesOut;
  }

  /**
   * {@return how many times input was refused for this cause}
   *
   * @param refusal the cause
   */
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
    StringBuilder sb = new StringBuilder("EngineStats{opened=").append(opened).append(", upgrades=").append(upgrades);
    for (Refusal r : REFUSALS) {
      if (counts[r.ordinal()] != 0) {
        sb.append(", ").append(r).append('=').append(counts[r.ordinal()]);
      }
    }
    for (ErrorCode e : ERRORS) {
      if (errors[e.ordinal()] != 0) {
        sb.append(", ").append(e).append('=').append(errors[e.ordinal()]);
      }
    }
    return sb.append('}').toString();
  }
}
