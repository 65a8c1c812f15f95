package io.switchboard.chat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Registered users in the {@code users} table.
 *
 * <pre>{@code
 * Optional<User> u = db.transaction(conn -> new UserStore().find(conn, "alice")).join();
 * }</pre>
 */
public final class UserStore {

  /** The user named {@code username}, if registered. */
  public Optional<User> find(Connection c, String username) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT id, username, password_hash, created_at FROM users WHERE username = ?")) {
      ps.setString(1, username);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
      }
    }
  }

  /** Whether {@code username} is registered. */
  public boolean exists(Connection c, String username) throws SQLException {
    return find(c, username).isPresent();
  }

  /**
   * Registers a user.
   *
   * @throws SQLException if the name is taken (a unique-constraint violation)
   */
  public User create(Connection c, String username, String passwordHash, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, username);
      ps.setString(2, passwordHash);
      ps.setLong(3, now);
      ps.executeUpdate();
      return new User(generatedId(ps), username, passwordHash, now);
    }
  }

  static long generatedId(PreparedStatement ps) throws SQLException {
    try (ResultSet keys = ps.getGeneratedKeys()) {
      if (!keys.next()) {
        throw new SQLException("no generated id");
      }
      return keys.getLong("id");
    }
  }
}
