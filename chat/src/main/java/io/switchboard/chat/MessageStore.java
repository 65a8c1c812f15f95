package io.switchboard.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

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

  private static final String COLUMNS = "id, room, sender, body, created_at, client_id";

  /** Stores a message (creating its room if needed) and returns it with its id. */
  public ChatMessage append(Connection c, String room, String from, String text, long ts) throws SQLException {
    return append(c, room, from, text, ts, null);
  }

  /**
   * Stores a message with the sender's own id for it (or null); a client id the sender used before fails with the
   * unique-violation {@link SQLException} (SQL state 23505).
   */
  public ChatMessage append(Connection c, String room, String from, String text, long ts, String clientId)
      throws SQLException {
    rooms.ensure(c, room, ts);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO messages (room, sender, body, created_at, client_id) VALUES (?, ?, ?, ?, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, room);
      ps.setString(2, from);
      ps.setString(3, text);
      ps.setLong(4, ts);
      ps.setString(5, clientId);
      ps.executeUpdate();
      return new ChatMessage(UserStore.generatedId(ps), room, from, text, ts, clientId);
    }
  }

  /** The message {@code from} sent with this client id, if any. */
  public Optional<ChatMessage> findByClientId(Connection c, String from, String clientId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM messages WHERE sender = ? AND client_id = ?")) {
      ps.setString(1, from);
      ps.setString(2, clientId);
      List<ChatMessage> found = read(ps);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  /**
   * Up to {@code limit} messages of {@code room} with an id below {@code before} (or the latest when {@code before}
   * is null), oldest first.
   */
  public List<ChatMessage> page(Connection c, String room, Long before, int limit) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM messages WHERE room = ?"
        + (before == null ? "" : " AND id < ?") + " ORDER BY id DESC LIMIT ?";
    List<ChatMessage> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, room);
      if (before != null) {
        ps.setLong(i++, before);
      }
      ps.setInt(i, limit);
      out.addAll(read(ps));
    }
    Collections.reverse(out);
    return out;
  }

  private static List<ChatMessage> read(PreparedStatement ps) throws SQLException {
    List<ChatMessage> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new ChatMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
            rs.getString(6)));
      }
    }
    return out;
  }
}
