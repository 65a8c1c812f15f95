package io.switchboard.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The chat's time limits for real-time events.
 *
 * <pre>{@code
 * ChatTiming fast = ChatTiming.DEFAULT.withPrivateAckTimeout(Duration.ofSeconds(1))
 *     .withPresence(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ZERO);
 * }</pre>
 *
 * @param privateAckTimeout how long a private message waits for a recipient device to acknowledge it
 * @param typingThrottle    at most one "is typing" broadcast per user and room in this interval
 * @param typingExpiry      typing that is not renewed within this time ends by itself
 * @param authWarning       how long before its token expires a connection is told {@code auth:expiring} (at most
 *                          half the token lifetime)
 * @param presenceFlush     how long presence changes are gathered before they go to the clients (the first interval)
 * @param presenceFlushMax  the longest interval: while changes keep coming (a connection storm) the interval doubles
 *                          up to this, so that a client gets at most one presence event per interval
 * @param presenceGrace     how long a user whose last connection closed (or a room they were in by a connection that
 *                          closed) still counts as there: a reconnection within it announces nothing
 * @param startupQuiet      joins within this time after the server started are taken as reconnections (no
 *                          "X joined #room"); zero for none
 * @param nodeHeartbeat     how often a node of a cluster tells the others it is alive
 * @param nodeTimeout       a node not heard from for this long is taken as dead: its users leave
 */
public record ChatTiming(Duration privateAckTimeout, Duration typingThrottle, Duration typingExpiry,
    Duration authWarning, Duration presenceFlush, Duration presenceFlushMax, Duration presenceGrace,
    Duration startupQuiet, Duration nodeHeartbeat, Duration nodeTimeout) {
  /**
   * 5 s for private acks, 2 s typing throttle, 5 s typing expiry, a 2 min warning before tokens expire; presence
   * changes every 250 ms (up to 4 s in a storm), a 5 s grace for reconnections, 10 s of quiet after a start; a
   * heartbeat a second and 4 s to declare a node dead.
   */
  public static final ChatTiming DEFAULT = new ChatTiming(Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMillis(250), Duration.ofSeconds(4),
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(4));

  public ChatTiming {
    for (Duration d : new Duration[] {privateAckTimeout, typingThrottle, typingExpiry, authWarning, presenceFlush,
        presenceFlushMax, presenceGrace, nodeHeartbeat, nodeTimeout}) {
      Objects.requireNonNull(d, "durations must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive: " + d);
      }
    }
    Objects.requireNonNull(startupQuiet, "startupQuiet");
    if (startupQuiet.isNegative()) {
      throw new IllegalArgumentException("startupQuiet must not be negative: " + startupQuiet);
    }
    if (presenceFlushMax.compareTo(presenceFlush) < 0) {
      throw new IllegalArgumentException("presenceFlushMax must be at least presenceFlush");
    }
    if (nodeTimeout.compareTo(nodeHeartbeat.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("nodeTimeout must be at least two heartbeats");
    }
  }

  public ChatTiming withPrivateAckTimeout(Duration d) {
    return new ChatTiming(d, typingThrottle, typingExpiry, authWarning, presenceFlush, presenceFlushMax,
        presenceGrace, startupQuiet, nodeHeartbeat, nodeTimeout);
  }

  public ChatTiming withTyping(Duration throttle, Duration expiry) {
    return new ChatTiming(privateAckTimeout, throttle, expiry, authWarning, presenceFlush, presenceFlushMax,
        presenceGrace, startupQuiet, nodeHeartbeat, nodeTimeout);
  }

  public ChatTiming withAuthWarning(Duration d) {
    return new ChatTiming(privateAckTimeout, typingThrottle, typingExpiry, d, presenceFlush, presenceFlushMax,
        presenceGrace, startupQuiet, nodeHeartbeat, nodeTimeout);
  }

  /** The presence intervals, the reconnection grace and the quiet time after a start. */
  public ChatTiming withPresence(Duration flush, Duration flushMax, Duration grace, Duration quiet) {
    return new ChatTiming(privateAckTimeout, typingThrottle, typingExpiry, authWarning, flush, flushMax, grace,
        quiet, nodeHeartbeat, nodeTimeout);
  }

  /** How often nodes say they are alive, and after how long without a word one is taken as dead. */
  public ChatTiming withNodeTimeout(Duration heartbeat, Duration timeout) {
    return new ChatTiming(privateAckTimeout, typingThrottle, typingExpiry, authWarning, presenceFlush,
        presenceFlushMax, presenceGrace, startupQuiet, heartbeat, timeout);
  }
}
