package io.switchboard.server;

/**
 * Told when a local socket joins or leaves a room of a namespace: the {@code join-room} and {@code leave-room} events
 * of the reference's in-memory adapter.
 *
 * <pre>{@code
 * if (nsp.adapter() instanceof InMemoryAdapter rooms) {
 *   rooms.addRoomListener(new RoomListener() {
 *     public void joined(String room, String id) { log.info("{} joined {}", id, room); }
 *     public void left(String room, String id) { log.info("{} left {}", id, room); }
 *   });
 * }
 * }</pre>
 *
 * <p>Called on the thread that changed the room, under the adapter's lock: keep it short and call nothing that waits.
 * A socket that leaves on disconnect leaves each of its rooms, its own room included.
 */
public interface RoomListener {
  /**
   * Socket {@code id} joined {@code room} (it was not in it); the reference's {@code join-room} event.
   *
   * @param room the room (the socket's own id for its private room)
   * @param id   the socket id
   */
  void joined(String room, String id);

  /**
   * Socket {@code id} left {@code room} (it was in it); the reference's {@code leave-room} event.
   *
   * @param room the room (the socket's own id for its private room)
   * @param id   the socket id
   */
  void left(String room, String id);
}
