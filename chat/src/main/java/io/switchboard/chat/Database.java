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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's relational database: a HikariCP pool, Flyway migrations, and an executor so that JDBC never runs on a
 * Netty event loop.
 *
 * <pre>{@code
 * try (Database db = Database.open(Database.embeddedUrl(Path.of("data")), Optional.empty())) {
 *   CompletableFuture<List<Room>> rooms = db.read(conn -> new RoomStore().list(conn));
 *   CompletableFuture<ChatMessage> m = db.transaction(conn -> messages.append(conn, "general", "alice", "hi", now));
 *   // m completes once the message is on disk: a crash after that loses nothing
 * }
 * }</pre>
 *
 * <p>The same migration scripts ({@code db/migration}) run on the embedded H2 file and on PostgreSQL.
 *
 * <p>A {@link #transaction} completes only once its commit is durable. PostgreSQL's commit already is (with its
 * default {@code synchronous_commit}). H2 by default writes its file up to {@code WRITE_DELAY} (500 ms) after a commit,
 * and its {@code CHECKPOINT} is no barrier then (a background write it races with may still be under way), so the
 * embedded URL sets {@code WRITE_DELAY=0}: each commit is written to the file before it returns, which survives
 * {@code kill -9}. A {@link GroupCommit} then fsyncs the file ({@code CHECKPOINT SYNC}) once for all the transactions
 * that committed while the previous fsync ran, which survives a crash of the machine too. H2's default retention
 * time (45 s) stays: the space of replaced chunks is reused only after it, so a process killed in the middle of a write
 * (or of {@link #compact}, which does the compaction H2's background writer did) reopens on the previous chunk, whose
 * pages are still there. With {@code RETENTION_TIME=0} (tried: the file grows by about 16 KB per commit for 45 s
 * without it) {@code DurabilityIT} lost one acknowledged message in 744 across five kills: a replaced chunk's space had
 * been reused before the chunk that replaced it was complete. A {@code --database-url} of H2 needs the same settings
 * for the same promise.
 */
public final class Database implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Database.class);
  private static final int POOL_SIZE = 8;
  /** Compact the H2 file after this many write transactions. */
  private static final int COMPACT_EVERY = 1000;
  private static final int COMPACT_MILLIS = 50;

  private final HikariDataSource pool;
  private final ExecutorService executor;
  private final boolean postgres;
  private final GroupCommit fsync;
  private final boolean compacting;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicBoolean compactionFailed = new AtomicBoolean();

  private Database(HikariDataSource pool, ExecutorService executor, boolean postgres, Durability durability) {
    this.pool = pool;
    this.executor = executor;
    this.postgres = postgres;
    this.fsync = !postgres && durability == Durability.SYNC
        ? new GroupCommit(() -> statement("CHECKPOINT SYNC"), executor) : null;
    this.compacting = !postgres && durability != Durability.LAZY;
  }

  /** How far an embedded (H2) commit has gone when its transaction completes. */
  enum Durability {
    /** Written to the file and the file fsynced: survives a crash of the process and of the machine. */
    SYNC,
    /** Written to the file (the operating system holds it): survives a crash of the process, not of the machine. */
    WRITE,
    /** H2's own default: written within {@code WRITE_DELAY} (500 ms); a crash loses what came since. For measuring. */
    LAZY
  }

  /** One unit of work on a connection; it may throw {@link SQLException}. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** The JDBC URL of the embedded H2 database file kept in {@code dataDir}: each commit written before it returns. */
  public static String embeddedUrl(Path dataDir) {
    return embeddedUrl(dataDir, Durability.SYNC);
  }

  static String embeddedUrl(Path dataDir, Durability durability) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("switchboard") + ";DB_CLOSE_ON_EXIT=FALSE"
        + (durability == Durability.LAZY ? "" : ";WRITE_DELAY=0");
  }

  /**
   * Opens a pool on {@code jdbcUrl} and migrates the schema.
   *
   * @param schema a schema to create (if missing) and use instead of the default one, e.g. a fresh schema per test run
   */
  public static Database open(String jdbcUrl, Optional<String> schema) {
    return open(jdbcUrl, schema, Durability.SYNC);
  }

  /** {@link #open(String, Optional)} with a chosen durability of embedded commits (for measurements). */
  static Database open(String jdbcUrl, Optional<String> schema, Durability durability) {
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
    return new Database(pool, executor, postgres, durability);
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

  /**
   * Runs {@code work} in one transaction on the database executor: committed if it returns, rolled back if it throws.
   * Completes once the commit is durable (see the class comment), so an acknowledgement sent after it is a promise.
   */
  public <T> CompletableFuture<T> transaction(Work<T> work) {
    CompletableFuture<T> committed = read(work);
    if (compacting && writes.incrementAndGet() % COMPACT_EVERY == 0) {
      committed.whenCompleteAsync((r, e) -> compact(), executor);
    }
    return fsync == null ? committed : committed.thenCompose(result -> fsync.after().thenApply(x -> result));
  }

  /** Runs {@code work}, which only reads, in one transaction on the database executor; nothing waits for the disk. */
  public <T> CompletableFuture<T> read(Work<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return inTransaction(work);
      } catch (SQLException e) {
        throw new DatabaseException(e);
      }
    }, executor);
  }

  private void statement(String sql) throws SQLException {
    try (Connection c = pool.getConnection(); var st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /**
   * Rewrites the sparse chunks of the H2 file for up to {@value #COMPACT_MILLIS} ms. H2 does this in its background
   * writer, which {@code WRITE_DELAY=0} turns off; without it the file grows by about 0.9 KB per message (a page
   * rewritten per commit), with it by about what the rows take. H2 offers no SQL for it, hence its store API.
   */
  private void compact() {
    try (Connection c = pool.getConnection()) {
      var session = (org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
      session.getDatabase().getStore().getMvStore().compactFile(COMPACT_MILLIS);
    } catch (SQLException | RuntimeException | LinkageError e) {
      if (compactionFailed.compareAndSet(false, true)) {
        log.warn("cannot compact the H2 file (it grows a little faster without): {}", e.toString());
      }
    }
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
    if (fsync != null) {
      fsync.close();
    }
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
