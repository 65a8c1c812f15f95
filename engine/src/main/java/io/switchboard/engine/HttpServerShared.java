package io.switchboard.engine;

import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpDecoderConfig;
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
  final LongAdder refusedPerIp = new LongAdder();
  final LongAdder refusedRate = new LongAdder();
  final LongAdder idleTimeouts = new LongAdder();
  final LongAdder requestTimeouts = new LongAdder();
  final LongAdder badRequests = new LongAdder();
  final LongAdder uriTooLong = new LongAdder();
  final LongAdder headersTooLarge = new LongAdder();
  final LongAdder acceptErrors = new LongAdder();

  private final AtomicBoolean fatal = new AtomicBoolean();

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

  private static int orUnlimited(int limit) {
    return limit == 0 ? Integer.MAX_VALUE : limit;
  }

  HttpServerStats stats() {
    return new HttpServerStats(
        openConnections.get(),
        limiter == null ? 0 : limiter.size(),
        refusedMaxConnections.sum(),
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
