package io.switchboard.chat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * Opens a fresh database for a test: an embedded H2 file in a temporary folder, or a new schema in the PostgreSQL at
 * 127.0.0.1:5432 (database {@code test}), dropped on close. PostgreSQL being unreachable fails the test.
 *
 * <pre>{@code
 * try (TestDatabases.Fresh fresh = TestDatabases.open("postgresql", tempDir)) {
 *   fresh.db().inTransaction(conn -> ...);
 * }
 * }</pre>
 */
final class TestDatabases {
  /** Where the tests find PostgreSQL; {@code -Dchat.test.postgres=jdbc:postgresql://…} overrides it. */
  static final String POSTGRES_URL = System.getProperty("chat.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test");

  private TestDatabases() {}

  /** A fresh database and how to drop it. */
  record Fresh(Database db, String url, Optional<String> schema) implements AutoCloseable {
    @Override
    public void close() {
      db.close();
      if (schema.isPresent() && url.startsWith("jdbc:postgresql:")) {
        try (Connection c = DriverManager.getConnection(url, System.getProperty("user.name"), null);
             Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + schema.get() + " CASCADE");
        } catch (SQLException e) {
          throw new IllegalStateException("cannot drop schema " + schema.get(), e);
        }
      }
    }
  }

  static Fresh open(String kind, Path tempDir) {
    return switch (kind) {
      case "h2" -> {
        String url = Database.embeddedUrl(tempDir.resolve("h2-" + UUID.randomUUID()));
        yield new Fresh(Database.open(url, Optional.empty()), url, Optional.empty());
      }
      case "postgresql" -> {
        String schema = "chat_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        yield new Fresh(Database.open(POSTGRES_URL, Optional.of(schema)), POSTGRES_URL, Optional.of(schema));
      }
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
