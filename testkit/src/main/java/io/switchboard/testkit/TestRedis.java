package io.switchboard.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server for tests: the one at 127.0.0.1:6379 when it answers PING, otherwise one this JVM starts on a
 * free port, from {@code redis-server} on the PATH or else from the binary shipped in
 * {@code com.github.codemonstur:embedded-redis} (Redis 6.2). Never a mock, and a missing Redis is never a skip.
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create(TestRedis.uri());   // e.g. redis://127.0.0.1:6379
 * try (TestRedis.Server own = TestRedis.startProcess()) {      // a Redis of the test's own, for fault tests
 *   own.stop();
 *   own.start();                                               // again, on the same port
 *   own.pause();                                               // SIGSTOP: connected but silent
 *   own.resume();
 * }
 * }</pre>
 *
 * <p>System properties: {@code switchboard.test.redisPort} (6379) is where a running Redis is looked for;
 * {@code switchboard.test.forceEmbedded=true} skips both the running Redis and the PATH, using the shipped binary.
 * Processes started here are stopped when the JVM exits.
 */
public final class TestRedis {
  /** The port looked at for a running Redis; 6379 unless set. */
  public static final String PORT_PROPERTY = "switchboard.test.redisPort";

  private static String uri;
  private static Path embeddedBinary;

  private TestRedis() {}

  /** The {@code redis://host:port} of a real Redis, found or started once per JVM. */
  public static synchronized String uri() {
    if (uri == null) {
      uri = resolve(Integer.getInteger(PORT_PROPERTY, 6379));
    }
    return uri;
  }

  /** The Redis on 127.0.0.1:{@code port} if it answers PING (and embedded is not forced), else a started one. */
  static String resolve(int port) {
    if (!LocalServers.forceEmbedded() && "PONG".equals(ping(port))) {
      return "redis://127.0.0.1:" + port;
    }
    Server started = startProcess();
    System.err.println("switchboard testkit: " + (LocalServers.forceEmbedded() ? LocalServers.FORCE_EMBEDDED
        : "no Redis answered on 127.0.0.1:" + port) + "; started Redis "
        + version(started.port()) + " (" + started.binary + ") at " + started.uri());
    return started.uri();
  }

  /** The version of the Redis at {@link #uri()}, as INFO server tells it, e.g. {@code 7.0.15}. */
  public static String version() {
    String u = uri();
    return version(Integer.parseInt(u.substring(u.lastIndexOf(':') + 1)));
  }

  /**
   * Starts a Redis of the caller's own on a free port (from the binary {@link #uri()} would use) and waits until it
   * answers PING. Stop it with {@link Server#close()}; the JVM stops it at exit in any case.
   */
  public static Server startProcess() {
    return startProcess(binary());
  }

  static Server startProcess(Path binary) {
    Server s = new Server(binary, LocalServers.freePort());
    s.start();
    return s;
  }

  /** {@code redis-server} on the PATH unless the embedded binary is forced, else the Maven-shipped one. */
  static Path binary() {
    if (!LocalServers.forceEmbedded()) {
      Optional<Path> onPath = onPath("redis-server");
      if (onPath.isPresent()) {
        return onPath.get();
      }
    }
    return embeddedBinary();
  }

  /** The redis-server binary from the embedded-redis jar for this OS and CPU, copied out once per JVM. */
  static synchronized Path embeddedBinary() {
    if (embeddedBinary != null) {
      return embeddedBinary;
    }
    String resource = embeddedResource();
    try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no " + resource + " on the classpath (com.github.codemonstur:embedded-redis)");
      }
      Path dir = Files.createTempDirectory("switchboard-redis-bin-");
      Path file = dir.resolve("redis-server");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      if (!file.toFile().setExecutable(true, false)) {
        throw new IllegalStateException("cannot make " + file + " executable");
      }
      LocalServers.onExit(() -> LocalServers.deleteTree(dir));
      embeddedBinary = file;
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy out " + resource, e);
    }
  }

  private static String embeddedResource() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    boolean arm = arch.equals("aarch64") || arch.equals("arm64");
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    if (os.contains("linux") && x64) {
      return "redis-server-6.2.6-v5-linux-amd64";
    } else if (os.contains("linux") && arm) {
      return "redis-server-6.2.7-linux-arm64";
    } else if (os.contains("mac") && x64) {
      return "redis-server-6.2.6-v5-darwin-amd64";
    } else if (os.contains("mac") && arm) {
      return "redis-server-6.2.6-v5-darwin-arm64";
    }
    throw new IllegalStateException("embedded-redis ships no redis-server for " + os + "/" + arch
        + "; run Redis on 127.0.0.1:6379 or put redis-server on the PATH");
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** PING's answer from 127.0.0.1:{@code port} ({@code PONG}), or {@code null} when nothing answers there. */
  static String ping(int port) {
    try {
      return command(port, "PING");
    } catch (IOException e) {
      return null;
    }
  }

  /** The {@code redis_version} in INFO server of the Redis on 127.0.0.1:{@code port}. */
  static String version(int port) {
    String info;
    try {
      info = command(port, "INFO", "server");
    } catch (IOException e) {
      throw new UncheckedIOException("no Redis on 127.0.0.1:" + port, e);
    }
    return info.lines().filter(l -> l.startsWith("redis_version:")).findFirst()
        .map(l -> l.substring("redis_version:".length()).trim())
        .orElseThrow(() -> new IllegalStateException("no redis_version in INFO server: " + info));
  }

  /**
   * Sends one command in RESP and returns the reply: a simple string, an integer or a bulk string as text
   * ({@code null} for a null bulk). An error reply becomes an {@link IOException}.
   */
  static String command(int port, String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(5000);
      StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
      }
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = new BufferedInputStream(s.getInputStream());
      String line = readLine(in);
      switch (line.isEmpty() ? ' ' : line.charAt(0)) {
        case '+', ':' -> {
          return line.substring(1);
        }
        case '-' -> throw new IOException("Redis error: " + line.substring(1));
        case '$' -> {
          int n = Integer.parseInt(line.substring(1));
          if (n < 0) {
            return null;
          }
          byte[] body = in.readNBytes(n);
          if (body.length != n) {
            throw new IOException("short bulk reply");
          }
          return new String(body, StandardCharsets.UTF_8);
        }
        default -> throw new IOException("unexpected reply: " + line);
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    throw new IOException("connection closed before a reply");
  }

  /**
   * A Redis process of its own on one port, without persistence, in a temporary folder; {@link #stop()} and
   * {@link #start()} can repeat, always on the same port.
   */
  public static final class Server implements AutoCloseable {
    private final Path binary;
    private final int port;
    private final Path dir;
    private final Runnable atExit;
    private final List<String> extraArgs;
    private Process process;
    private boolean paused;

    private Server(Path binary, int port) {
      this(binary, port, List.of());
    }

    private Server(Path binary, int port, List<String> extraArgs) {
      this.binary = binary;
      this.port = port;
      this.extraArgs = List.copyOf(extraArgs);
      try {
        this.dir = Files.createTempDirectory("switchboard-redis-" + port + "-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      this.atExit = () -> {
        stopQuietly();
        LocalServers.deleteTree(dir);
      };
      LocalServers.onExit(atExit);
    }

    /** Its port on 127.0.0.1. */
    public int port() {
      return port;
    }

    /** {@code redis://127.0.0.1:port}. */
    public String uri() {
      return "redis://127.0.0.1:" + port;
    }

    /**
     * Sends one command, e.g. {@code command("CLIENT", "KILL", "TYPE", "pubsub")}, and returns the reply: a simple
     * string, an integer's digits or a bulk string ({@code null} for a null bulk); an error reply throws.
     */
    public String command(String... args) {
      try {
        return TestRedis.command(port, args);
      } catch (IOException e) {
        throw new UncheckedIOException(Arrays.toString(args) + " on Redis port " + port, e);
      }
    }

    /** Whether the process runs. */
    public synchronized boolean isRunning() {
      return process != null && process.isAlive();
    }

    /** Starts the process (again) and waits, up to 20 s, until it answers PING. */
    public synchronized void start() {
      if (isRunning()) {
        throw new IllegalStateException("Redis on port " + port + " already runs");
      }
      Path log = dir.resolve("redis.log");
      try {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
            "--loglevel", "warning"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + binary, e);
      }
      Process started = process;
      try {
        Await.until("Redis on port " + port + " answers PING", Duration.ofSeconds(20), () -> {
          if ("PONG".equals(ping(port))) {
            return true;
          }
          if (!started.isAlive()) {
            throw new IllegalStateException("Redis exited with status " + started.exitValue());
          }
          return false;
        });
      } catch (AssertionError | IllegalStateException e) {
        stopQuietly();
        throw new IllegalStateException("Redis (" + binary + ") did not start on port " + port + ":\n"
            + LocalServers.tail(log, 20), e);
      }
    }

    /**
     * Freezes the process with SIGSTOP: its connections stay open but nothing is answered, as a Redis stalled by the
     * system would be. {@link #resume()} thaws it.
     */
    public synchronized void pause() {
      signal("STOP");
      paused = true;
    }

    /** Thaws a process frozen by {@link #pause()} (SIGCONT). */
    public synchronized void resume() {
      signal("CONT");
      paused = false;
    }

    private void signal(String name) {
      if (!isRunning()) {
        throw new IllegalStateException("Redis on port " + port + " does not run");
      }
      try {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
              + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run kill", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    /** Stops the process and waits until it is gone. */
    public synchronized void stop() {
      if (process == null) {
        return;
      }
      if (paused && process.isAlive()) {
        resume(); // a frozen process would not act on SIGTERM
      }
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IllegalStateException("interrupted while stopping Redis on port " + port, e);
      }
    }

    private void stopQuietly() {
      try {
        stop();
      } catch (RuntimeException ignored) {
        // at exit or after a failed start: nothing more to do
      }
    }

    /** Stops the process and deletes its folder. */
    @Override
    public void close() {
      stop();
      LocalServers.deleteTree(dir);
      LocalServers.forget(atExit);
    }

    @Override
    public String toString() {
      return "Redis(" + binary + ") on port " + port;
    }
  }

  /**
   * Starts a Redis Cluster of {@code masters} masters (no replicas) of the caller's own, from the binary
   * {@link #uri()} would use, with the 16384 slots split evenly, and waits until every node says
   * {@code cluster_state:ok}. Stop it with {@link Cluster#close()}.
   */
  public static Cluster startCluster(int masters) {
    if (masters < 1) {
      throw new IllegalArgumentException("masters must be positive: " + masters);
    }
    Path binary = binary();
    List<Server> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        Server n = new Server(binary, clusterPort(), List.of("--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "3000"));
        nodes.add(n);
        n.start();
      }
      Cluster c = new Cluster(nodes);
      c.form();
      return c;
    } catch (RuntimeException e) {
      nodes.forEach(Server::close);
      throw e;
    }
  }

  /** A free port whose cluster bus port (port + 10000) is free too. */
  private static int clusterPort() {
    for (int i = 0; i < 100; i++) {
      int p = LocalServers.freePort();
      if (p + 10000 <= 65535) {
        try (java.net.ServerSocket bus = new java.net.ServerSocket(p + 10000)) {
          return p;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IllegalStateException("no free port pair for a cluster node");
  }

  /**
   * A Redis Cluster of the test's own: its nodes are {@link Server}s on 127.0.0.1, each a master of an even share of
   * the slots.
   *
   * <pre>{@code
   * try (TestRedis.Cluster cluster = TestRedis.startCluster(3)) {
   *   RedisClusterClient client = RedisClusterClient.create(cluster.uris().get(0));
   * }
   * }</pre>
   */
  public static final class Cluster implements AutoCloseable {
    private final List<Server> nodes;

    private Cluster(List<Server> nodes) {
      this.nodes = List.copyOf(nodes);
    }

    /** The nodes. */
    public List<Server> nodes() {
      return nodes;
    }

    /** {@code redis://127.0.0.1:port} of each node. */
    public List<String> uris() {
      return nodes.stream().map(Server::uri).toList();
    }

    private void form() {
      int total = 16384;
      int n = nodes.size();
      for (int i = 0; i < n; i++) {
        int from = total * i / n;
        int to = total * (i + 1) / n - 1;
        List<String> args = new ArrayList<>();
        args.add("CLUSTER");
        args.add("ADDSLOTS");
        for (int slot = from; slot <= to; slot++) {
          args.add(Integer.toString(slot));
        }
        nodes.get(i).command(args.toArray(String[]::new));
      }
      for (int i = 1; i < n; i++) {
        nodes.get(0).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(i).port()));
      }
      Await.until(() -> "the Redis Cluster on " + uris() + " did not form: " + nodes.get(0).command("CLUSTER", "INFO"),
          Duration.ofSeconds(30), this::formed);
    }

    private boolean formed() {
      for (Server s : nodes) {
        String info = s.command("CLUSTER", "INFO");
        if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + nodes.size())) {
          return false;
        }
      }
      return true;
    }

    /** Stops every node and deletes their folders. */
    @Override
    public void close() {
      nodes.forEach(Server::close);
    }

    @Override
    public String toString() {
      return "Redis Cluster " + uris();
    }
  }
}
