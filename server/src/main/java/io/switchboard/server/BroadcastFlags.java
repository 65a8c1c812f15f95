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

  public BroadcastFlags withVolatile(boolean v) {
    return new BroadcastFlags(v, compress, local, timeout);
  }

  public BroadcastFlags withCompress(boolean c) {
    return new BroadcastFlags(volatileEmit, c, local, timeout);
  }

  public BroadcastFlags withLocal(boolean l) {
    return new BroadcastFlags(volatileEmit, compress, l, timeout);
  }

  public BroadcastFlags withTimeout(Duration t) {
    return new BroadcastFlags(volatileEmit, compress, local, t);
  }
}
