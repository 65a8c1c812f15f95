package io.switchboard.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat rooms in the {@code rooms} table; a room exists once someone joined it or wrote in it.
 *
 * <pre>{@code
 * rooms.ensure(conn, "kotlin-fans", now);
 * List<Room> all = rooms.list(conn);
 * }</pre>
 */
public final class RoomStore {

  /** Creates the room unless it exists. */
  public void ensure(Connection c, String room, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO rooms (name, created_at) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM rooms WHERE name = ?)")) {
      ps.setString(1, room);
      ps.setLong(2, now);
      ps.setString(3, room);
      ps.executeUpdate();
    }
  }

  /** Whether the room exists. */
  public boolean exists(Connection c, String room) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM rooms WHERE name = ?")) {
      ps.setString(1, room);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Every room, by name, with its message count and latest message id (0 if none). */
  public List<Room> list(Connection c) throws SQLException {
    List<Room> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT r.name, COUNT(m.id), COALESCE(MAX(m.id), 0) FROM rooms r LEFT JOIN messages m ON m.room = r.name "
            + "GROUP BY r.name ORDER BY r.name");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Room(rs.getString(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    return out;
  }
}
