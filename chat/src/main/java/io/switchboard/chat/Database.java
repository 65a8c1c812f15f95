package io.switchboard.chat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * The chat's relational database: a HikariCP pool, Flyway migrations, and an executor so that JDBC never runs on a
 * Netty event loop.
 *
 * <pre>{@code
 * try (Database db = Database.open(Database.embeddedUrl(Path.of("data")), Optional.empty())) {
 *   CompletableFuture<List<Room>> rooms = db.transaction(conn -> new RoomStore().list(conn));
 * }
 * }</pre>
 *
 * <p>The same migration scripts ({@code db/migration}) run on the embedded H2 file and on PostgreSQL.
 */
public final class Database implements AutoCloseable {
  private static final int POOL_SIZE = 8;

  private final HikariDataSource pool;
  private final ExecutorService executor;
  private final boolean postgres;

  private Database(HikariDataSource pool, ExecutorService executor, boolean postgres) {
    this.pool = pool;
    this.executor = executor;
    this.postgres = postgres;
  }

  /** One unit of work on a connection; it may throw {@link SQLException}. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** The JDBC URL of the embedded H2 database file kept in {@code dataDir}. */
  public static String embeddedUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("switchboard") + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /**
   * Opens a pool on {@code jdbcUrl} and migrates the schema.
   *
   * @param schema a schema to create (if missing) and use instead of the default one, e.g. a fresh schema per test run
   */
  public static Database open(String jdbcUrl, Optional<String> schema) {
    boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(jdbcUrl);
    hc.setMaximumPoolSize(POOL_SIZE);
    hc.setPoolName("chat-db");
    hc.setAutoCommit(false);
    if (postgres && !jdbcUrl.contains("user=")) {
      hc.setUsername(System.getProperty("user.name"));
    }
    schema.ifPresent(s -> {
      if (!s.matches("[a-z_][a-z0-9_]{0,62}")) {
        throw new IllegalArgumentException("bad schema name: " + s);
      }
      hc.setConnectionInitSql(postgres ? "SET search_path TO " + s : "SET SCHEMA " + s.toUpperCase());
    });
    if (schema.isPresent()) {
      createSchema(hc, schema.get(), postgres);
    }
    HikariDataSource pool = new HikariDataSource(hc);
    try {
      var flyway = Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration");
      schema.ifPresent(s -> flyway.schemas(postgres ? s : s.toUpperCase()).defaultSchema(postgres ? s : s.toUpperCase()));
      flyway.load().migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(POOL_SIZE, r -> {
      Thread t = new Thread(r, "chat-db-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    return new Database(pool, executor, postgres);
  }

  private static void createSchema(HikariConfig hc, String schema, boolean postgres) {
    String sql = "CREATE SCHEMA IF NOT EXISTS " + (postgres ? schema : schema.toUpperCase());
    HikariConfig once = new HikariConfig();
    hc.copyStateTo(once);
    once.setConnectionInitSql(null);
    once.setMaximumPoolSize(1);
    once.setPoolName("chat-db-schema");
    try (HikariDataSource ds = new HikariDataSource(once);
         Connection c = ds.getConnection();
         var st = c.createStatement()) {
      st.execute(sql);
      c.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + schema, e);
    }
  }

  /** The executor that runs this database's work; also fit for other blocking or slow work (password hashing). */
  public java.util.concurrent.Executor executor() {
    return executor;
  }

  /** Whether this is PostgreSQL (else the embedded H2). */
  public boolean isPostgres() {
    return postgres;
  }

  /** Runs {@code work} in one transaction on the database executor: committed if it returns, rolled back if it throws. */
  public <T> CompletableFuture<T> transaction(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return inTransaction(work);
      } catch (SQLException e) {
        throw new DatabaseException(e);
      }
    }, executor);
  }

  /** Runs {@code work} in one transaction on the calling thread; for tests and startup only, never on an event loop. */
  public <T> T inTransaction(Work<T> work) throws SQLException {
    try (Connection c = pool.getConnection()) {
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Closes the executor (waiting briefly for running work) and the pool. */
  @Override
  public void close() {
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool.close();
  }

  /** A {@link SQLException} carried through a {@link CompletableFuture}. */
  public static final class DatabaseException extends RuntimeException {
    DatabaseException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }
}
