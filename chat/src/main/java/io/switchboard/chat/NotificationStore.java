package io.switchboard.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-user notifications in the {@code notifications} table; ids increase, so a stream resumes after the last id seen.
 *
 * <pre>{@code
 * Notification n = notifications.add(conn, "bob", Notification.MENTION, "alice mentioned you", "hi @bob", "/", now);
 * List<Notification> missed = notifications.after(conn, "bob", lastEventId, 100);
 * }</pre>
 */
public final class NotificationStore {
  private static final String COLUMNS = "id, kind, title, body, link, created_at";

  /** Stores a notification for {@code username}. */
  public Notification add(Connection c, String username, String type, String title, String body, String link, long now)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO notifications (username, kind, title, body, link, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, username);
      ps.setString(2, type);
      ps.setString(3, title);
      ps.setString(4, body);
      ps.setString(5, link);
      ps.setLong(6, now);
      ps.executeUpdate();
      return new Notification(UserStore.generatedId(ps), type, title, body, link, now);
    }
  }

  /** Up to {@code limit} notifications of {@code username} with an id above {@code afterId}, oldest first. */
  public List<Notification> after(Connection c, String username, long afterId, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM notifications WHERE username = ? AND id > ? ORDER BY id LIMIT ?")) {
      ps.setString(1, username);
      ps.setLong(2, afterId);
      ps.setInt(3, limit);
      return read(ps);
    }
  }

  /** The id of the newest notification of {@code username}, 0 when they have none. */
  public long newestId(Connection c, String username) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MAX(id) FROM notifications WHERE username = ?")) {
      ps.setString(1, username);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The latest {@code limit} notifications of {@code username}, newest first. */
  public List<Notification> latest(Connection c, String username, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
        + " FROM notifications WHERE username = ? ORDER BY id DESC LIMIT ?")) {
      ps.setString(1, username);
      ps.setInt(2, limit);
      return read(ps);
    }
  }

  private static List<Notification> read(PreparedStatement ps) throws SQLException {
    List<Notification> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Notification(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
            rs.getLong(6)));
      }
    }
    return out;
  }
}
