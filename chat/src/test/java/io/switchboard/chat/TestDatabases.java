package io.switchboard.chat;

import io.switchboard.testkit.TestPostgres;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * Opens a fresh database for a test: an embedded H2 file in a temporary folder, or a new schema in the testkit's real
 * PostgreSQL ({@link TestPostgres}: the local one at 127.0.0.1:5432, else one started from Maven-shipped binaries),
 * dropped on close.
 *
 * <pre>{@code
 * try (TestDatabases.Fresh fresh = TestDatabases.open("postgresql", tempDir)) {
 *   fresh.db().inTransaction(conn -> ...);
 * }
 * }</pre>
 */
final class TestDatabases {
  private TestDatabases() {}

  /** A fresh database and how to drop it. */
  record Fresh(Database db, String url, Optional<String> schema, Optional<TestPostgres.Schema> owned)
      implements AutoCloseable {
    @Override
    public void close() {
      db.close();
      owned.ifPresent(TestPostgres.Schema::close);
    }
  }

  static Fresh open(String kind, Path tempDir) {
    return switch (kind) {
      case "h2" -> {
        String url = Database.embeddedUrl(tempDir.resolve("h2-" + UUID.randomUUID()));
        yield new Fresh(Database.open(url, Optional.empty()), url, Optional.empty(), Optional.empty());
      }
      case "postgresql" -> {
        TestPostgres.Schema schema = TestPostgres.freshSchema();
        try {
          Database db = Database.open(schema.jdbcUrl(), Optional.of(schema.name()));
          yield new Fresh(db, schema.jdbcUrl(), Optional.of(schema.name()), Optional.of(schema));
        } catch (RuntimeException e) {
          schema.close();
          throw e;
        }
      }
      default -> throw new IllegalArgumentException(kind);
    };
  }
}
