package io.switchboard.bench.attack;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one attack run: which kind, against which loopback port, how many connections, how long.
 *
 * <pre>{@code
 * AttackOptions o = AttackOptions.parse("idle-tcp", "--port", "3000", "--count", "5000", "--hold-s", "60");
 * }</pre>
 *
 * <p>Every run is bounded: at most {@link #count()} connections, opened within {@link #openTimeout()}, then held for
 * {@link #hold()}; the whole run ends by itself after at most {@link #maxRunTime()}. The host is checked hard: only
 * {@code 127.0.0.0/8}, {@code ::1} and {@code localhost}.
 *
 * @param kind          what the connections do
 * @param host          the host as given (for the {@code Host} header)
 * @param address       the server's loopback address, checked
 * @param port          the server's port
 * @param source        the local address to bind the attack connections to (another 127.x address gives another
 *                      ~28,000 source ports), or null for the system's choice
 * @param path          the Engine.IO path ({@code /socket.io/}); a query after {@code ?} is the request target of
 *                      {@code ws-burst} and {@code memory} (default {@code <path>?EIO=4&transport=websocket})
 * @param count         connections to open
 * @param concurrency   connections in their opening phase at once (TCP connect; for WebSocket kinds until the answer)
 * @param hold          how long to keep the connections after the opening phase
 * @param interval      slowloris: the pause between two bytes of one connection
 * @param openTimeout   the longest opening phase (every connection connected and, for WebSocket kinds, answered)
 * @param answerTimeout the longest wait for one connection's TCP connect, upgrade answer or open packet
 * @param closeWait     ws-burst: how long after a 101 to wait for a close frame
 * @param attachments   memory: K, the attachments the binary event announces (K-1 of them are sent)
 * @param size          memory: B, the bytes of each binary attachment
 * @param probeEvery    the period of the health probes, or zero for none
 * @param probeTimeout  the longest one probe may take
 * @param probeSocketIo whether each probe also does a full Socket.IO CONNECT over WebSocket
 * @param serverPid     the server's process id to sample its RSS, or 0
 */
public record AttackOptions(Kind kind, String host, InetAddress address, int port, InetAddress source, String path,
    int count, int concurrency, Duration hold, Duration interval, Duration openTimeout, Duration answerTimeout,
    Duration closeWait, int attachments, int size, Duration probeEvery, Duration probeTimeout, boolean probeSocketIo,
    long serverPid) {

  /** The most connections one run may hold; one process has 20,000 descriptors here. */
  public static final int MAX_COUNT = 60_000;

  /** The longest hold. */
  public static final Duration MAX_HOLD = Duration.ofHours(1);

  /** What the connections of a run do. */
  public enum Kind {
    /** TCP connections that send nothing. */
    IDLE_TCP("idle-tcp"),
    /** Connections that send one byte of an endless request header per interval. */
    SLOWLORIS("slowloris"),
    /** WebSocket upgrade requests as fast as possible, each answer classified. */
    WS_BURST("ws-burst"),
    /** WebSocket sessions that announce a binary event with K attachments, send K-1 of them and never CONNECT. */
    MEMORY("memory");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name on the command line. */
    public String label() {
      return label;
    }

    /** The kind called {@code label}. */
    public static Kind named(String label) {
      for (Kind k : values()) {
        if (k.label.equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown attack " + label + " (idle-tcp, slowloris, ws-burst, memory)");
    }
  }

  private static final Set<String> NAMES = Set.of("host", "port", "source", "path", "count", "concurrency", "hold-s",
      "interval-s", "open-timeout-s", "answer-timeout-s", "close-wait-s", "attachments", "size", "probe-ms",
      "probe-timeout-ms", "probe-socketio", "server-pid");

  public AttackOptions {
    if (!Loopback.isLoopback(address)) {
      throw new IllegalArgumentException("the attack tool targets this machine only, not " + address);
    }
    if (source != null && !Loopback.isLoopback(source)) {
      throw new IllegalArgumentException("--source must be a loopback address, not " + source);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535");
    }
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("count must be 1.." + MAX_COUNT);
    }
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be positive");
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /");
    }
    positive(interval, "interval-s");
    positive(openTimeout, "open-timeout-s");
    positive(answerTimeout, "answer-timeout-s");
    positive(probeTimeout, "probe-timeout-ms");
    if (hold.isNegative() || hold.compareTo(MAX_HOLD) > 0 || openTimeout.compareTo(MAX_HOLD) > 0
        || interval.compareTo(Duration.ofMinutes(10)) > 0 || closeWait.isNegative()
        || closeWait.compareTo(Duration.ofMinutes(1)) > 0 || answerTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("a run holds at most 1 h after an opening phase of at most 1 h");
    }
    if (probeEvery.isNegative()) {
      throw new IllegalArgumentException("probe-ms must be >= 0");
    }
    if (attachments < 1 || attachments > 100_000) {
      throw new IllegalArgumentException("attachments must be 1..100000");
    }
    if (size < 0 || size > 64 << 20) {
      throw new IllegalArgumentException("size must be 0..64 MiB");
    }
  }

  /** Parses {@code --name value…} (and the flag {@code --probe-socketio}); left-out options take kind defaults. */
  public static AttackOptions parse(String kindName, String... args) {
    Kind kind = Kind.named(kindName);
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || !NAMES.contains(a.substring(2))) {
        throw new IllegalArgumentException("unknown option " + a);
      }
      String name = a.substring(2);
      if (name.equals("probe-socketio") && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
        m.put(name, "true");
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      m.put(name, args[++i]);
    }
    String host = m.getOrDefault("host", "127.0.0.1");
    InetAddress address = Loopback.resolve(host);
    InetAddress source = m.containsKey("source") ? Loopback.resolve(m.get("source")) : null;
    int count = Integer.parseInt(m.getOrDefault("count", kind == Kind.MEMORY ? "100" : "1000"));
    return new AttackOptions(kind, host, address,
        Integer.parseInt(m.getOrDefault("port", "3000")),
        source,
        m.getOrDefault("path", "/socket.io/"),
        count,
        Integer.parseInt(m.getOrDefault("concurrency", "500")),
        seconds(m.getOrDefault("hold-s", kind == Kind.WS_BURST ? "0" : "30")),
        seconds(m.getOrDefault("interval-s", "1")),
        seconds(m.getOrDefault("open-timeout-s", "60")),
        seconds(m.getOrDefault("answer-timeout-s", "10")),
        seconds(m.getOrDefault("close-wait-s", "1")),
        Integer.parseInt(m.getOrDefault("attachments", "10")),
        Integer.parseInt(m.getOrDefault("size", "100000")),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("probe-ms", "500"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("probe-timeout-ms", "5000"))),
        Boolean.parseBoolean(m.getOrDefault("probe-socketio", "false")),
        Long.parseLong(m.getOrDefault("server-pid", "0")));
  }

  /** The Engine.IO path without a query: {@code /socket.io/}. */
  public String basePath() {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** The request target of a WebSocket upgrade: the query of {@link #path()}, or the Engine.IO v4 default. */
  public String webSocketTarget() {
    return path.indexOf('?') >= 0 ? path : path + "?EIO=4&transport=websocket";
  }

  /** The value of the {@code Host} header. */
  public String hostHeader() {
    String h = address.getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
  }

  /** The hard bound on the run's length: opening phase, hold, close wait and a little slack to wind down. */
  public Duration maxRunTime() {
    return openTimeout.plus(hold).plus(closeWait).plus(answerTimeout).plus(Duration.ofSeconds(5));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s %s:%d count=%d hold=%ss", kind.label(), address.getHostAddress(), port,
        count, hold.toMillis() / 1000.0);
  }

  private static Duration seconds(String s) {
    double v = Double.parseDouble(s);
    if (Double.isNaN(v) || v < 0 || v > 86_400) {
      throw new IllegalArgumentException("bad number of seconds " + s);
    }
    return Duration.ofNanos(Math.round(v * 1e9));
  }

  private static void positive(Duration d, String name) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
