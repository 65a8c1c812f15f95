package io.switchboard.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * A session given back to a reconnecting client: its former id, rooms and data and the events it missed.
 *
 * <pre>{@code
 * adapter.restoreSession(pid, offset).thenAccept(s -> { if (s != null) log.info("{} is back", s.sid()); });
 * }</pre>
 *
 * @param sid           the socket id
 * @param pid           the private session id, kept so that the client sees it is recovered
 * @param rooms         the rooms to rejoin
 * @param data          the application data
 * @param missedPackets the EVENT payloads it missed, in order, each ending with its offset
 */
public record RestoredSession(String sid, String pid, Set<String> rooms, Object data, List<JsonNode> missedPackets) {
  /**
   * Copies {@code rooms} and {@code missedPackets}, which must not be or hold {@code null}.
   *
   * @param sid           the socket id
   * @param pid           the private session id
   * @param rooms         the rooms to rejoin
   * @param data          the application data
   * @param missedPackets the EVENT payloads it missed, in order
   */
  public RestoredSession {
    rooms = Set.copyOf(rooms);
    missedPackets = List.copyOf(missedPackets);
  }
}
