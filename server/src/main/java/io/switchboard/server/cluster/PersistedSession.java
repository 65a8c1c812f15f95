package io.switchboard.server.cluster;

import java.util.Set;

/**
 * The state a socket leaves behind when it disconnects with connection state recovery on.
 *
 * <pre>{@code
 * adapter.persistSession(new PersistedSession(sid, pid, rooms, data, lastOffset));
 * }</pre>
 *
 * @param sid        the socket id to give back
 * @param pid        the private session id the client will present
 * @param rooms      the rooms it was in
 * @param data       its application data, or {@code null}
 * @param baseOffset the offset of the newest stored packet when the socket connected: the starting point for a client
 *                   that received no event (it presents no offset), or {@code null} if unknown
 */
public record PersistedSession(String sid, String pid, Set<String> rooms, Object data, String baseOffset) {
  /**
   * Copies {@code rooms}, which must not be or hold {@code null}.
   *
   * @param sid        the socket id
   * @param pid        the private session id
   * @param rooms      the rooms it was in
   * @param data       its application data, or {@code null}
   * @param baseOffset where a client that received no event starts, or {@code null}
   */
  public PersistedSession {
    rooms = Set.copyOf(rooms);
  }
}
