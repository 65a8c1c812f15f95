package io.switchboard.server.cluster;

import io.switchboard.server.Handshake;
import java.util.Set;

/**
 * What the adapter reports about a socket, on this server or another: the substance of a
 * {@link io.switchboard.server.RemoteSocket}, from {@link io.switchboard.server.Adapter#fetchSockets}.
 *
 * <pre>{@code
 * adapter.fetchSockets(BroadcastOptions.room("lobby"))
 *     .thenAccept(list -> list.forEach(d -> log.info("{} in {}", d.id(), d.rooms())));
 * }</pre>
 *
 * @param id        the socket id
 * @param handshake its handshake
 * @param rooms     the rooms it is in
 * @param data      its application data, or {@code null}
 */
public record SocketDetails(String id, Handshake handshake, Set<String> rooms, Object data) {
  /**
   * Copies the rooms.
   *
   * @param id        the socket id
   * @param handshake its handshake
   * @param rooms     the rooms it is in
   * @param data      its application data, or {@code null}
   * @throws NullPointerException if {@code rooms} is null or holds null
   */
  public SocketDetails {
    rooms = Set.copyOf(rooms);
  }
}
