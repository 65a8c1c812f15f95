package io.switchboard.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * The chat's time limits for real-time events.
 *
 * <pre>{@code
 * ChatTiming fast = ChatTiming.DEFAULT.withPrivateAckTimeout(Duration.ofSeconds(1));
 * }</pre>
 *
 * @param privateAckTimeout how long a private message waits for a recipient device to acknowledge it
 * @param typingThrottle    at most one "is typing" broadcast per user and room in this interval
 * @param typingExpiry      typing that is not renewed within this time ends by itself
 * @param authWarning       how long before its token expires a connection is told {@code auth:expiring} (at most
 *                          half the token lifetime)
 */
public record ChatTiming(Duration privateAckTimeout, Duration typingThrottle, Duration typingExpiry,
    Duration authWarning) {
  /** 5 s for private acks, 2 s typing throttle, 5 s typing expiry, a 2 min warning before tokens expire. */
  public static final ChatTiming DEFAULT = new ChatTiming(Duration.ofSeconds(5), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofMinutes(2));

  public ChatTiming {
    for (Duration d : new Duration[] {privateAckTimeout, typingThrottle, typingExpiry, authWarning}) {
      Objects.requireNonNull(d, "durations must not be null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive: " + d);
      }
    }
  }

  public ChatTiming withPrivateAckTimeout(Duration d) {
    return new ChatTiming(d, typingThrottle, typingExpiry, authWarning);
  }

  public ChatTiming withTyping(Duration throttle, Duration expiry) {
    return new ChatTiming(privateAckTimeout, throttle, expiry, authWarning);
  }

  public ChatTiming withAuthWarning(Duration d) {
    return new ChatTiming(privateAckTimeout, typingThrottle, typingExpiry, d);
  }
}
