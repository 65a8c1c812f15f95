package io.switchboard.bench.servers;

import io.switchboard.bench.NettyTransport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The command-line options every bench server takes: {@code --host}, {@code --port}, {@code --threads},
 * {@code --transport}, and for the Switchboard server {@code --handlers}, {@code --redis}, {@code --streams},
 * {@code --recovery}, {@code --metrics}, {@code --shutdown-grace}, {@code --deflate} and {@code --deflate-threshold}.
 * An unknown flag is refused with {@link #USAGE}, so that a typo never runs another benchmark.
 *
 * <pre>{@code
 * ServerArgs a = ServerArgs.parse("--port", "3000", "--transport", "epoll");
 * ServerArgs b = ServerArgs.parse("--redis", "redis://127.0.0.1:6379", "--streams", "--recovery");
 * }</pre>
 *
 * @param host      the address to listen on (loopback by default)
 * @param port      the port
 * @param threads   I/O event loops; by default one per available core (so one when pinned with taskset)
 * @param transport the Netty transport
 * @param handlers  {@code default} (the server's default dispatch, adaptive), {@code executor} (every handler on the
 *                  handler executor) or {@code direct} (every handler on the I/O thread)
 * @param redis     a Redis URI for the cluster scenario, or {@code null}
 * @param streams   whether the cluster uses the Redis Streams adapter rather than the pub/sub one
 * @param recovery  whether connection state recovery is on (two minutes)
 * @param metrics   whether the Switchboard meters are bound to a Prometheus registry, scraped every second
 * @param shutdownGrace how long SIGTERM may take to move the clients away
 * @param deflate   whether WebSocket {@code permessage-deflate} is accepted when a client offers it (the engine's
 *                  settings once enabled: no context takeover, level 1)
 * @param deflateThreshold the smallest message compressed, in bytes (1,024 as the engine's default)
 */
public record ServerArgs(String host, int port, int threads, NettyTransport transport, String handlers, String redis,
    boolean streams, boolean recovery, boolean metrics,
    java.time.Duration shutdownGrace, boolean deflate, int deflateThreshold) {

  /** {@code 500ms}, {@code 10s} or a number of seconds. */
  private static java.time.Duration grace(String v) {
    java.time.Duration d = v.endsWith("ms") ? java.time.Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
        : java.time.Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    if (d.isNegative()) {
      throw new NumberFormatException("negative --shutdown-grace " + v);
    }
    return d;
  }

  private static int threshold(String v) {
    int n = Integer.parseInt(v);
    if (n < 0) {
      throw new NumberFormatException("negative --deflate-threshold " + v);
    }
    return n;
  }

  /** What the servers accept. */
  public static final String USAGE = String.join("\n",
      "options: --host ADDR (127.0.0.1)  --port N (3000)  --threads N (one per core)",
      "         --transport auto|epoll|io_uring|nio (auto)  --handlers default|executor|direct (default)",
      "         --redis URL (a cluster through Redis)  --streams (the Redis Streams adapter; needs --redis)",
      "         --recovery (connection state recovery, two minutes)",
      "         --metrics (Switchboard meters bound to a Prometheus registry, scraped every second)",
      "         --shutdown-grace T (how long SIGTERM may take to move the clients away: 10s, 500ms, 0; default 10s)",
      "         --deflate (WebSocket permessage-deflate accepted when offered)",
      "         --deflate-threshold N (smallest message compressed, bytes; default 1024; needs --deflate)");

  private static final Set<String> WITH_VALUE = Set.of("host", "port", "threads", "transport", "handlers", "redis",
      "shutdown-grace", "deflate-threshold");
  private static final Set<String> SWITCHES = Set.of("streams", "recovery", "metrics", "deflate");

  /**
   * Parses {@code --name value} pairs and the switches {@code --streams} and {@code --recovery}.
   *
   * @throws IllegalArgumentException for an unknown flag, a missing value or a bad number, with {@link #USAGE}
   */
  public static ServerArgs parse(String... args) {
    Map<String, String> m = new HashMap<>();
    Set<String> on = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a.startsWith("--") ? a.substring(2) : null;
      if (name != null && SWITCHES.contains(name)) {
        on.add(name);
      } else if (name != null && WITH_VALUE.contains(name)) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value after " + a + "\n" + USAGE);
        }
        m.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
      }
    }
    if (on.contains("streams") && !m.containsKey("redis")) {
      throw new IllegalArgumentException("--streams needs --redis\n" + USAGE);
    }
    if (m.containsKey("deflate-threshold") && !on.contains("deflate")) {
      throw new IllegalArgumentException("--deflate-threshold needs --deflate\n" + USAGE);
    }
    if (!Set.of("default", "executor", "direct").contains(m.getOrDefault("handlers", "default"))) {
      throw new IllegalArgumentException("--handlers takes default, executor or direct\n" + USAGE);
    }
    try {
      return new ServerArgs(
          m.getOrDefault("host", "127.0.0.1"),
          Integer.parseInt(m.getOrDefault("port", "3000")),
          Integer.parseInt(m.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
          NettyTransport.pick(m.getOrDefault("transport", "auto")),
          m.getOrDefault("handlers", "default"),
          m.get("redis"),
          on.contains("streams"),
          on.contains("recovery"),
          on.contains("metrics"),
          grace(m.getOrDefault("shutdown-grace", "10s")),
          on.contains("deflate"),
          threshold(m.getOrDefault("deflate-threshold", "1024")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + e.getMessage() + "\n" + USAGE);
    }
  }

  /** The address to listen on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }
}
