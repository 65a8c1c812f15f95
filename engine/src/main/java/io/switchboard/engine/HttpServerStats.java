package io.switchboard.engine;

/**
 * A snapshot of what an {@link HttpServer} refused and why, since it started, with two gauges; each counter is read
 * on its own, so a snapshot taken under load may be off by the connections refused while it was taken.
 *
 * <pre>{@code
 * HttpServerStats s = http.stats();
 * metrics.gauge("http.open", s.openConnections());
 * metrics.counter("http.refused.rate", s.refusedRate());
 * }</pre>
 *
 * @param openConnections       connections open now
 * @param trackedAddresses      client addresses (or IPv6 blocks) in the per-address table now
 * @param refusedMaxConnections connections closed on accept because the server had {@code maxConnections}
 * @param refusedPerIp          connections answered 503 because their address had {@code maxConnectionsPerIp}
 * @param refusedRate           connections answered 503 because their address's connect-rate bucket was empty
 * @param idleTimeouts          connections closed after {@code idleTimeout} with no request under way
 * @param requestTimeouts       requests answered 408 (or connections closed) after {@code requestTimeout}
 * @param badRequests           requests answered 400: malformed, smuggling attempts, obs-fold
 * @param uriTooLong            requests answered 414: request line over {@code maxInitialLineLength}
 * @param headersTooLarge       requests answered 431: headers over {@code maxHeaderSize} or {@code maxHeaderCount}
 * @param acceptErrors          errors accepting a connection (e.g. "Too many open files"), each pausing accepts 1 s
 */
public record HttpServerStats(
    long openConnections,
    long trackedAddresses,
    long refusedMaxConnections,
    long refusedPerIp,
    long refusedRate,
    long idleTimeouts,
    long requestTimeouts,
    long badRequests,
    long uriTooLong,
    long headersTooLarge,
    long acceptErrors) {}
