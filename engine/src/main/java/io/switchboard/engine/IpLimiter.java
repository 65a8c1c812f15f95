package io.switchboard.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The per-address connection limits of one {@link HttpServer}: how many connections each client address has open,
 * and a token bucket of how many it may still open. Safe to use from every event loop; each address's entry changes
 * only under its map bin's lock.
 *
 * <pre>{@code
 * IpLimiter limiter = new IpLimiter(options);
 * IpLimiter.Key key = limiter.key(address);
 * long verdict = limiter.acquire(key, System.nanoTime());   // 0: admitted; later limiter.release(key, ...)
 * }</pre>
 *
 * <p>The table stays bounded: an entry with no connection whose bucket has refilled is the same as no entry, so it is
 * dropped (when its last connection closes, or by {@link #sweep(long)}); when the table holds
 * {@code maxTrackedAddresses} entries, entries with no connection are dropped before a new address is added. Entries
 * with open connections are never dropped, so the table can exceed its cap only by addresses holding connections.
 */
final class IpLimiter {
  /** Addresses, IPv4 as its IPv4-mapped IPv6 form, IPv6 cut to the configured prefix. */
  record Key(long high, long low) {}

  /** How long a client refused for too many connections is asked to wait: some of its connections may close. */
  static final long CAP_RETRY_AFTER_SECONDS = 5;

  private static final class Entry {
    int connections;
    double tokens;
    long refilledAt;
  }

  private final int maxPerIp;
  private final double ratePerNano;
  private final int burst;
  private final int maxTracked;
  private final long ipv6MaskHigh;
  private final long ipv6MaskLow;
  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicBoolean trimming = new AtomicBoolean();

  IpLimiter(HttpServerOptions options) {
    this.maxPerIp = options.maxConnectionsPerIp();
    this.ratePerNano = options.connectRatePerIp() / 1e9;
    this.burst = options.connectBurstPerIp();
    this.maxTracked = options.maxTrackedAddresses();
    int prefix = options.ipv6PrefixLength();
    this.ipv6MaskHigh = prefix >= 64 ? -1L : -1L << (64 - prefix);
    this.ipv6MaskLow = prefix <= 64 ? 0L : prefix == 128 ? -1L : -1L << (128 - prefix);
  }

  Key key(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return new Key(0L, 0xFFFF_0000_0000L | (bits(b, 0, 4) & 0xFFFF_FFFFL));
    }
    return new Key(bits(b, 0, 8) & ipv6MaskHigh, bits(b, 8, 8) & ipv6MaskLow);
  }

  private static long bits(byte[] b, int from, int count) {
    long v = 0;
    for (int i = from; i < from + count; i++) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }

  /**
   * Admits one more connection of this address, or says why not: 0 when admitted (release it later), a positive
   * number of seconds to wait when the rate bucket is empty, or minus that when the address has its maximum of
   * connections.
   */
  long acquire(Key key, long now) {
    if (entries.size() >= maxTracked && !entries.containsKey(key)) {
      trim(now);
    }
    long[] verdict = {0};
    entries.compute(key, (k, e) -> {
      if (e == null) {
        e = new Entry();
        e.tokens = burst;
        e.refilledAt = now;
      }
      refill(e, now);
      if (maxPerIp > 0 && e.connections >= maxPerIp) {
        verdict[0] = -CAP_RETRY_AFTER_SECONDS;
      } else if (burst > 0 && e.tokens < 1) {
        verdict[0] = Math.max(1, (long) Math.ceil((1 - e.tokens) / ratePerNano / 1e9));
      } else {
        if (burst > 0) {
          e.tokens -= 1;
        }
        e.connections++;
      }
      return e.connections == 0 && full(e) ? null : e;
    });
    return verdict[0];
  }

  /** One connection admitted by {@link #acquire} closed. */
  void release(Key key, long now) {
    entries.computeIfPresent(key, (k, e) -> {
      e.connections--;
      refill(e, now);
      return e.connections <= 0 && full(e) ? null : e;
    });
  }

  /** Drops every entry with no connection whose bucket has refilled. */
  void sweep(long now) {
    if (entries.isEmpty()) {
      return;
    }
    for (Key key : entries.keySet()) {
      entries.computeIfPresent(key, (k, e) -> {
        refill(e, now);
        return e.connections <= 0 && full(e) ? null : e;
      });
    }
  }

  /** Entries in the table now. */
  int size() {
    return entries.size();
  }

  /**
   * Makes room for a new address: drops refilled idle entries, then, while the table is still over 90% of its cap,
   * idle entries whatever their bucket (a dropped address starts again with a full bucket). One thread at a time.
   */
  private void trim(long now) {
    if (!trimming.compareAndSet(false, true)) {
      return;
    }
    try {
      sweep(now);
      long target = maxTracked - Math.max(1, maxTracked / 10);
      if (entries.size() <= target) {
        return;
      }
      for (Key key : entries.keySet()) {
        entries.computeIfPresent(key, (k, e) -> e.connections <= 0 ? null : e);
        if (entries.size() <= target) {
          return;
        }
      }
    } finally {
      trimming.set(false);
    }
  }

  private void refill(Entry e, long now) {
    if (burst > 0 && e.tokens < burst) {
      e.tokens = Math.min(burst, e.tokens + (now - e.refilledAt) * ratePerNano);
    }
    e.refilledAt = now;
  }

  private boolean full(Entry e) {
    return burst == 0 || e.tokens >= burst;
  }
}
