package io.switchboard.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Room messages in the {@code messages} table, with increasing ids that clients page back through.
 *
 * <pre>{@code
 * ChatMessage m = messages.append(conn, "general", "alice", "hello", now);
 * List<ChatMessage> older = messages.page(conn, "general", m.id(), 50); // below m, oldest first
 * }</pre>
 */
public final class MessageStore {
  private final RoomStore rooms = new RoomStore();

  /** Stores a message (creating its room if needed) and returns it with its id. */
  public ChatMessage append(Connection c, String room, String from, String text, long ts) throws SQLException {
    rooms.ensure(c, room, ts);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO messages (room, sender, body, created_at) VALUES (?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, room);
      ps.setString(2, from);
      ps.setString(3, text);
      ps.setLong(4, ts);
      ps.executeUpdate();
      return new ChatMessage(UserStore.generatedId(ps), room, from, text, ts);
    }
  }

  /**
   * Up to {@code limit} messages of {@code room} with an id below {@code before} (or the latest when {@code before}
   * is null), oldest first.
   */
  public List<ChatMessage> page(Connection c, String room, Long before, int limit) throws SQLException {
    String sql = "SELECT id, room, sender, body, created_at FROM messages WHERE room = ?"
        + (before == null ? "" : " AND id < ?") + " ORDER BY id DESC LIMIT ?";
    List<ChatMessage> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, room);
      if (before != null) {
        ps.setLong(i++, before);
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new ChatMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
        }
      }
    }
    Collections.reverse(out);
    return out;
  }
}
