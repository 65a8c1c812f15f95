package io.switchboard.server;

import java.time.Duration;

/**
 * The modifiers of an emit: volatile, compress, local, and the acknowledgement timeout.
 *
 * <pre>{@code
 * BroadcastFlags flags = BroadcastFlags.DEFAULT.withVolatile(true);   // dropped where the client cannot take it now
 * }</pre>
 *
 * @param volatileEmit whether the packet is dropped for a client that cannot take it right now
 * @param compress     whether the packet may be compressed ({@code permessage-deflate}); false sends it uncompressed
 * @param local        whether the packet stays on this server (no cluster fan-out)
 * @param timeout      how long to wait for acknowledgements, or {@code null} for no limit
 */
public record BroadcastFlags(boolean volatileEmit, boolean compress, boolean local, Duration timeout) {
  /** No flag set, compression allowed. */
  public static final BroadcastFlags DEFAULT = new BroadcastFlags(false, true, false, null);

  /**
   * The same flags with {@link #volatileEmit()} set (the reference's {@code volatile} modifier).
   *
   * @param v whether the packet is dropped for a client that cannot take it right now
   * @return a new flags record
   */
  public BroadcastFlags withVolatile(boolean v) {
    return new BroadcastFlags(v, compress, local, timeout);
  }

  /**
   * The same flags with {@link #compress()} set (the reference's {@code compress(...)} modifier).
   *
   * @param c whether the packet may be compressed
   * @return a new flags record
   */
  public BroadcastFlags withCompress(boolean c) {
    return new BroadcastFlags(volatileEmit, c, local, timeout);
  }

  /**
   * The same flags with {@link #local()} set (the reference's {@code local} modifier).
   *
   * @param l whether the packet stays on this server
   * @return a new flags record
   */
  public BroadcastFlags withLocal(boolean l) {
    return new BroadcastFlags(volatileEmit, compress, l, timeout);
  }

  /**
   * The same flags with {@link #timeout()} set (the reference's {@code timeout(...)} modifier).
   *
   * @param t how long to wait for acknowledgements, or {@code null} for no limit
   * @return a new flags record
   */
  public BroadcastFlags withTimeout(Duration t) {
    return new BroadcastFlags(volatileEmit, compress, local, t);
  }
}
