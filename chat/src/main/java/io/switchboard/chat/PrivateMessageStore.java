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
 * Private messages in the {@code private_messages} table, with their delivery status.
 *
 * <pre>{@code
 * PrivateMessage pm = privates.append(conn, "alice", "bob", "hi", now);
 * List<PrivateMessage> waiting = privates.undelivered(conn, "bob");
 * privates.markDelivered(conn, pm.id(), now);
 * }</pre>
 */
public final class PrivateMessageStore {
  private static final String COLUMNS = "id, sender, recipient, body, created_at, status, client_id";

  /** Stores a message with status {@code sent}. */
  public PrivateMessage append(Connection c, String from, String to, String text, long ts) throws SQLException {
    return append(c, from, to, text, ts, null);
  }

  /**
   * Stores a message with status {@code sent} and the sender's own id for it (or null); a client id the sender used
   * before fails with the unique-violation {@link SQLException} (SQL state 23505).
   */
  public PrivateMessage append(Connection c, String from, String to, String text, long ts, String clientId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO private_messages (sender, recipient, body, created_at, status, client_id) "
            + "VALUES (?, ?, ?, ?, ?, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, from);
      ps.setString(2, to);
      ps.setString(3, text);
      ps.setLong(4, ts);
      ps.setString(5, PrivateMessage.SENT);
      ps.setString(6, clientId);
      ps.executeUpdate();
      return new PrivateMessage(UserStore.generatedId(ps), from, to, text, ts, PrivateMessage.SENT, clientId);
    }
  }

  /** The message {@code from} sent with this client id, if any. */
  public Optional<PrivateMessage> findByClientId(Connection c, String from, String clientId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM private_messages WHERE sender = ? AND client_id = ?")) {
      ps.setString(1, from);
      ps.setString(2, clientId);
      List<PrivateMessage> list = read(ps);
      return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }
  }

  /** The message with this id. */
  public Optional<PrivateMessage> find(Connection c, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM private_messages WHERE id = ?")) {
      ps.setLong(1, id);
      List<PrivateMessage> list = read(ps);
      return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }
  }

  /** Marks a {@code sent} message {@code delivered}; true if this call changed it. */
  public boolean markDelivered(Connection c, long id, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE private_messages SET status = ?, delivered_at = ? WHERE id = ? AND status = ?")) {
      ps.setString(1, PrivateMessage.DELIVERED);
      ps.setLong(2, now);
      ps.setLong(3, id);
      ps.setString(4, PrivateMessage.SENT);
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Marks a message {@code read} by its recipient {@code reader}; returns the message if this call changed it
   * (empty if unknown, not addressed to {@code reader}, or already read).
   */
  public Optional<PrivateMessage> markRead(Connection c, long id, String reader, long now) throws SQLException {
    Optional<PrivateMessage> found = find(c, id);
    if (found.isEmpty() || !found.get().to().equals(reader) || found.get().status().equals(PrivateMessage.READ)) {
      return Optional.empty();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE private_messages SET status = ?, read_at = ?, delivered_at = COALESCE(delivered_at, ?) "
            + "WHERE id = ? AND status <> ?")) {
      ps.setString(1, PrivateMessage.READ);
      ps.setLong(2, now);
      ps.setLong(3, now);
      ps.setLong(4, id);
      ps.setString(5, PrivateMessage.READ);
      if (ps.executeUpdate() != 1) {
        return Optional.empty();
      }
    }
    return Optional.of(found.get().withStatus(PrivateMessage.READ));
  }

  /** Messages to {@code recipient} that no device of theirs acknowledged yet, oldest first. */
  public List<PrivateMessage> undelivered(Connection c, String recipient) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM private_messages WHERE recipient = ? AND status = ? ORDER BY id")) {
      ps.setString(1, recipient);
      ps.setString(2, PrivateMessage.SENT);
      return read(ps);
    }
  }

  /** The latest {@code limit} messages between two users (either direction), oldest first. */
  public List<PrivateMessage> conversation(Connection c, String a, String b, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM private_messages "
        + "WHERE (sender = ? AND recipient = ?) OR (sender = ? AND recipient = ?) ORDER BY id DESC LIMIT ?")) {
      ps.setString(1, a);
      ps.setString(2, b);
      ps.setString(3, b);
      ps.setString(4, a);
      ps.setInt(5, limit);
      List<PrivateMessage> out = read(ps);
      Collections.reverse(out);
      return out;
    }
  }

  /** The users {@code user} has exchanged private messages with, by name. */
  public List<String> partners(Connection c, String user) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT recipient FROM private_messages WHERE sender = ? UNION SELECT sender FROM private_messages "
            + "WHERE recipient = ? ORDER BY 1")) {
      ps.setString(1, user);
      ps.setString(2, user);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static List<PrivateMessage> read(PreparedStatement ps) throws SQLException {
    List<PrivateMessage> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new PrivateMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
            rs.getString(6), rs.getString(7)));
      }
    }
    return out;
  }
}
