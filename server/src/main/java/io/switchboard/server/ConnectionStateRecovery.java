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
 * @param maxDisconnectionDuration how long a session and the packets are kept after a disconnection
 * @param skipMiddlewares          whether a recovered socket skips the namespace middlewares
 */
public record ConnectionStateRecovery(Duration maxDisconnectionDuration, boolean skipMiddlewares) {
  /** Two minutes, middlewares skipped. */
  public static final ConnectionStateRecovery DEFAULT = new ConnectionStateRecovery(Duration.ofMinutes(2), true);

  public ConnectionStateRecovery {
    Objects.requireNonNull(maxDisconnectionDuration, "maxDisconnectionDuration");
    if (maxDisconnectionDuration.isNegative() || maxDisconnectionDuration.isZero()) {
      throw new IllegalArgumentException("maxDisconnectionDuration must be positive");
    }
  }
}
