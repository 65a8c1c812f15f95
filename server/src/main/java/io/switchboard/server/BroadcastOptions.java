package io.switchboard.server;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Who a broadcast reaches: sockets in any of {@code rooms} (every socket when empty) and in none of {@code except}.
 *
 * <pre>{@code
 * adapter.broadcast(packet, new BroadcastOptions(Set.of("room1"), Set.of(socket.id()), BroadcastFlags.DEFAULT));
 * }</pre>
 *
 * @param rooms  target rooms; empty means all sockets of the namespace
 * @param except rooms whose sockets are left out
 * @param flags  the modifiers
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
  /**
   * Copies the room sets, keeping their order.
   *
   * @param rooms  target rooms; empty means all sockets of the namespace
   * @param except rooms whose sockets are left out
   * @param flags  the modifiers
   * @throws NullPointerException if {@code rooms} or {@code except} is null
   */
  public BroadcastOptions {
    rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
    except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
  }

  /** {@return every socket, no flag} */
  public static BroadcastOptions all() {
    return new BroadcastOptions(Set.of(), Set.of(), BroadcastFlags.DEFAULT);
  }

  /**
   * The sockets in one room, no flag.
   *
   * @param room the room (a socket id targets that one socket)
   * @return the options
   */
  public static BroadcastOptions room(String room) {
    return new BroadcastOptions(Set.of(room), Set.of(), BroadcastFlags.DEFAULT);
  }
}
