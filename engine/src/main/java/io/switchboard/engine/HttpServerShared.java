package io.switchboard.engine;

import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one {@link HttpServer} shares: its options, the HTTP decoder settings, the per-address
 * table, the refusal counters, and the fatal-error switch.
 *
 * <pre>{@code
 * HttpServerShared shared = new HttpServerShared(options);
 * shared.badRequests.increment();
 * if (HttpServerShared.isFatal(cause)) shared.fatal("reading a request", cause);
 * }</pre>
 */
final class HttpServerShared {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  final HttpServerOptions options;
  final HttpDecoderConfig decoderConfig;
  /** The per-address table, or {@code null} when neither per-address limit is on. */
  final IpLimiter limiter;
  final ForwardedFor proxies;
  final long idleTimeoutNanos;
  final long requestTimeoutNanos;

  final AtomicInteger openConnections = new AtomicInteger();
  final ChannelFutureListener onConnectionClosed = f -> openConnections.decrementAndGet();
  final LongAdder refusedMaxConnections = new LongAdder();
  final LongAdder evictedSilent = new LongAdder();
  /**
   * The connections that have not sent a byte yet: when the server is full, one of them (older than
   * {@link #EVICT_MIN_AGE_NANOS}) is closed to admit a new connection, so that idle TCP connections cannot lock
   * clients that do talk out until the idle timeout.
   */
  final Set<HttpConnectionGuard> silent = ConcurrentHashMap.newKeySet();
  /** A connection younger than this may still have its first request on the way: it is never evicted. */
  static final long EVICT_MIN_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final int EVICT_SCAN = 64;
  final LongAdder refusedPerIp = new LongAdder();
  final LongAdder refusedRate = new LongAdder();
  final LongAdder idleTimeouts = new LongAdder();
  final LongAdder requestTimeouts = new LongAdder();
  final LongAdder badRequests = new LongAdder();
  final LongAdder uriTooLong = new LongAdder();
  final LongAdder headersTooLarge = new LongAdder();
  final LongAdder acceptErrors = new LongAdder();

  private final AtomicBoolean fatal = new AtomicBoolean();
  private static final Logger limitsLog = LoggerFactory.getLogger(Logs.LIMITS);
  private final Logs.Limiter maxConnectionsLines = new Logs.Limiter(10, TimeUnit.SECONDS);
  private final Logs.Limiter perIpLines = new Logs.Limiter(10, TimeUnit.SECONDS);
  private final Logs.Limiter rateLines = new Logs.Limiter(10, TimeUnit.SECONDS);

  /** Counts a connection refused for a limit, and logs it on {@link Logs#LIMITS} (one line per limit every 10 s). */
  void refused(LongAdder counter, Object who) {
    counter.increment();
    if (!limitsLog.isInfoEnabled()) {
      return;
    }
    Logs.Limiter lines = counter == refusedMaxConnections ? maxConnectionsLines
        : counter == refusedPerIp ? perIpLines : rateLines;
    if (lines.allow()) {
      String limit = counter == refusedMaxConnections ? "maxConnections " + options.maxConnections()
          : counter == refusedPerIp ? "maxConnectionsPerIp " + options.maxConnectionsPerIp() : "connect rate";
      limitsLog.info("limit hit: {} by {} ({} so far, {} not logged since the last line)", limit,
          who == null ? "a new connection" : who, counter.sum(), lines.skipped());
    }
  }

  HttpServerShared(HttpServerOptions options) {
    this.options = options;
    this.decoderConfig = new HttpDecoderConfig()
        .setMaxInitialLineLength(orUnlimited(options.maxInitialLineLength()))
        .setMaxHeaderSize(orUnlimited(options.maxHeaderSize()))
        // these are Netty 4.2's defaults; set here so that a system property cannot loosen them
        .setStrictLineParsing(true)
        .setAllowDuplicateContentLengths(false)
        .setUseRfc9112TransferEncoding(true)
        .setValidateHeaders(true);
    this.limiter = options.limitsPerIp() ? new IpLimiter(options) : null;
    this.proxies = new ForwardedFor(options.trustedProxyRules());
    this.idleTimeoutNanos = options.idleTimeout().toNanos();
    this.requestTimeoutNanos = options.requestTimeout().toNanos();
  }

  /**
   * Closes one connection that has sent nothing for at least {@link #EVICT_MIN_AGE_NANOS}, looking at a few of them
   * at most; whether one was found. Any thread.
   */
  boolean evictSilent(long now) {
    int looked = 0;
    for (HttpConnectionGuard g : silent) {
      if (++looked > EVICT_SCAN) {
        return false;
      }
      if (now - g.startedAt() >= EVICT_MIN_AGE_NANOS && silent.remove(g)) {
        evictedSilent.increment();
        g.evict();
        return true;
      }
    }
    return false;
  }

  private static int orUnlimited(int limit) {
    return limit == 0 ? Integer.MAX_VALUE : limit;
  }

  HttpServerStats stats() {
    return new HttpServerStats(
        openConnections.get(),
        limiter == null ? 0 : limiter.size(),
        refusedMaxConnections.sum(),
        evictedSilent.sum(),
        refusedPerIp.sum(),
        refusedRate.sum(),
        idleTimeouts.sum(),
        requestTimeouts.sum(),
        badRequests.sum(),
        uriTooLong.sum(),
        headersTooLarge.sum(),
        acceptErrors.sum());
  }

  /**
   * Whether this error means the process can no longer be trusted to serve: an {@link OutOfMemoryError} or another
   * {@link VirtualMachineError}, here or among its causes. A {@link StackOverflowError} is not: the stack unwinds and
   * only the connection that caused it is closed, so a request that recurses too deep cannot stop the server.
   */
  static boolean isFatal(Throwable t) {
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
      if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
        return true;
      }
    }
    return false;
  }

  /** Logs one ERROR line and calls the fatal error handler, the first time only; never throws. */
  void fatal(String what, Throwable cause) {
    if (!fatal.compareAndSet(false, true)) {
      return;
    }
    try {
      log.error("HTTP server: {} ({}); it cannot go on serving, calling its fatal error handler", what,
          String.valueOf(cause));
    } catch (Throwable ignored) {
      // logging needs memory too; the handler matters more
    }
    try {
      options.fatalErrorHandler().accept(cause);
    } catch (Throwable t) {
      try {
        log.error("HTTP server: the fatal error handler failed", t);
      } catch (Throwable ignored) {
        // nothing left to do
      }
    }
  }
}
