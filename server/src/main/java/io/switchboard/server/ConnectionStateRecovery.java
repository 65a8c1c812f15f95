package io.switchboard.server;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of connection state recovery: a client that lost its connection gets back its socket id, rooms, data
 * and every broadcast it missed, if it comes back within {@code maxDisconnectionDuration}.
 *
 * <pre>{@code
 * ServerOptions.builder()
 *     .connectionStateRecovery(new ConnectionStateRecovery(Duration.ofMinutes(2), true))
 *     .build();
 * }</pre>
 *
 * <p>Only events sent without an acknowledgement and not volatile are kept for replay, as in the reference server.
 * Unlike it, a private session id is good for one recovery only (a replayed one gets a fresh session), and a client
 * that had received no event yet (it sends a {@code pid} but no {@code offset}) still recovers.
 *
 * <p>The packets are kept in memory for {@code maxDisconnectionDuration}, and at most {@code maxStoredPackets} of them
 * per namespace (the reference has no such bound): under a heavier broadcast load the window shrinks, and a client
 * whose missed packets are no longer all there gets a fresh session instead of a partial replay.
 *
 * @param maxDisconnectionDuration how long a session and the packets are kept after a disconnection
 * @param skipMiddlewares          whether a recovered socket skips the namespace middlewares
 * @param maxStoredPackets         the most packets kept per namespace for replay
 */
public record ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares,
    int maxStoredPackets) {
  /** The default bound on stored packets per namespace. */
  public static final int DEFAULT_MAX_STORED_PACKETS = 100_000;

  /** Two minutes, middlewares skipped, 100,000 packets. */
  public static final ConnectionStateRecovery DEFAULT = new ConnectionStateRecovery(Duration.ofMinutes(2), true);

  /**
   * Checks the settings.
   *
   * @param maxDisconnectionDuration how long a session and the packets are kept after a disconnection
   * @param skipMiddlewares          whether a recovered socket skips the namespace middlewares
   * @param maxStoredPackets         the most packets kept per namespace for replay
   * @throws NullPointerException     if {@code maxDisconnectionDuration} is null
   * @throws IllegalArgumentException if {@code maxDisconnectionDuration} or {@code maxStoredPackets} is not positive
   */
  public ConnectionStateRecovery {
    Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
    if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
      throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
    }
    if (maxStoredPackets < 1) {
      throw new IllegalArgumentException("maxStoredPackets must be positive: " + maxStoredPackets);
    }
  }

  /**
   * The settings with the default bound on stored packets ({@link #DEFAULT_MAX_STORED_PACKETS}), as the reference's
   * {@code connectionStateRecovery: {maxDisconnectionDuration, skipMiddlewares}}.
   *
   * @param maxDisconnectionDuration how long a session and the packets are kept after a disconnection; positive
   * @param skipMiddlewares          whether a recovered socket skips the namespace middlewares
   */
  public ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares) {
    this(maxDisconnectionDuration, skipMiddlewares, DEFAULT_MAX_STORED_PACKETS);
  }
}
