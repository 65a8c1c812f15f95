package io.switchboard.bench.load;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of one load-generator run: where the server is, which scenario, how many clients, how long.
 *
 * <pre>{@code
 * LoadOptions o = LoadOptions.parse("fanout", "--port", "3000", "--clients", "1000", "--rate", "50");
 * }</pre>
 *
 * <p>Every run is bounded: {@link #warmup()} + {@link #duration()} of load, at most {@link #drain()} to collect what is
 * still in flight, and {@link #connectTimeout()} for the clients to connect.
 *
 * @param scenario       {@code connect}, {@code fanout}, {@code echo}, {@code slow}, {@code cluster}, {@code mixed}
 *                       (fanout with a third of the receivers on each transport: Socket.IO, plain WebSocket, SSE) or
 *                       {@code crowd} (one share of a room spread over several servers and generator processes)
 * @param label          the server's name in the results ({@code switchboard}, {@code node}…)
 * @param host           the server's address (loopback only)
 * @param port           the server's port
 * @param port2          a second server's port (the {@code cluster} scenario: odd clients go there), or 0
 * @param path           the Socket.IO path
 * @param serverPid      the server's process id for CPU and memory, or 0 to leave them out
 * @param serverPid2     the second server's process id, or 0
 * @param clients        clients in the scenario (receivers in the room for fanout and slow)
 * @param concurrency    connection attempts in flight at once
 * @param sources        how many 127.0.0.x source addresses to spread the clients over
 * @param threads        the generator's event loops
 * @param rate           messages per second the emitter sends (fanout, slow); 0 means as fast as the window allows
 * @param window         broadcasts in flight at most (sent but not yet back at the emitter)
 * @param inFlight       echo requests in flight per client
 * @param payloadBytes   the size of the padding string in each message
 * @param warmup         load before measuring
 * @param duration       measured load
 * @param drain          the longest wait for messages still in flight after the load stops
 * @param connectTimeout the longest wait for all clients to connect
 * @param liveHeap       whether {@code connect} asks a JVM server for its live heap (a full GC, through jcmd)
 * @param hold           how long {@code connect} keeps its clients connected after measuring (for outside probes)
 * @param deflate        whether the WebSocket clients offer {@code permessage-deflate} (switch {@code --deflate})
 * @param padding        {@code letters} (the alphabet repeated: compresses to almost nothing) or {@code words}
 *                       (words drawn from a fixed vocabulary with a fixed seed: compresses about as text does)
 * @param rounds         measured rounds after the warm-up, each {@code duration} long; one JSON line per round
 * @param sourceBase     the last byte of the first source address (127.0.0.{@code sourceBase}); generators running
 *                       side by side take disjoint ranges so that they do not share ephemeral ports
 * @param morePorts      further servers' ports ({@code crowd}: clients go round-robin over port, port2 and these)
 * @param emit           whether this generator broadcasts ({@code crowd}: exactly one of the generators does)
 * @param startAt        the wall-clock time (epoch ms) the first measured round of {@code crowd} starts, agreed by
 *                       every generator of one run; 0 means warm-up from now
 */
public record LoadOptions(String scenario, String label, String host, int port, int port2, String path,
    long serverPid, long serverPid2,
    int clients, int concurrency, int sources, int threads, int rate, int window, int inFlight, int payloadBytes,
    Duration warmup, Duration duration, Duration drain, Duration connectTimeout, boolean liveHeap, Duration hold,
    boolean deflate, String padding, int rounds, int sourceBase, java.util.List<Integer> morePorts, boolean emit,
    long startAt) {

  public LoadOptions {
    if (!host.startsWith("127.") && !host.equals("localhost")) {
      throw new IllegalArgumentException("load goes to loopback only, not " + host);
    }
    if (clients < 1 || clients > 200_000) {
      throw new IllegalArgumentException("clients must be 1..200000");
    }
    if (scenario.equals("cluster") && port2 == 0) {
      throw new IllegalArgumentException("cluster needs --port2 (the second server)");
    }
    if (sources < 1 || sourceBase < 1 || sourceBase + sources > 255) {
      throw new IllegalArgumentException("source addresses must lie in 127.0.0.1..254");
    }
    if (rounds < 1 || rounds > 100) {
      throw new IllegalArgumentException("rounds must be 1..100");
    }
    morePorts = java.util.List.copyOf(morePorts);
    if (duration.compareTo(Duration.ofMinutes(10)) > 0 || warmup.compareTo(Duration.ofMinutes(5)) > 0
        || hold.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("a run is at most 5 min warm-up + 10 min load (or hold)");
    }
    if (!padding.equals("letters") && !padding.equals("words")) {
      throw new IllegalArgumentException("padding must be letters or words, not " + padding);
    }
  }

  /**
   * Parses {@code scenario --option value…} and the switch {@code --deflate}; options left out take the defaults of
   * {@code scenario}.
   */
  public static LoadOptions parse(String scenario, String... args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--deflate")) {
        m.put("deflate", "true");
        continue;
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + a);
      }
      m.put(a.substring(2), args[++i]);
    }
    boolean slow = scenario.equals("slow");
    int defaultClients = switch (scenario) {
      case "connect" -> 1000;
      case "fanout" -> 1000;
      case "echo" -> 100;
      case "slow" -> 100;
      case "cluster" -> 1000;
      case "mixed" -> 999;
      case "crowd" -> 12_500;
      default -> throw new IllegalArgumentException("unknown scenario " + scenario);
    };
    return new LoadOptions(scenario,
        m.getOrDefault("label", "server"),
        m.getOrDefault("host", "127.0.0.1"),
        Integer.parseInt(m.getOrDefault("port", "3000")),
        Integer.parseInt(m.getOrDefault("port2", "0")),
        m.getOrDefault("path", "/socket.io/"),
        Long.parseLong(m.getOrDefault("server-pid", "0")),
        Long.parseLong(m.getOrDefault("server-pid2", "0")),
        Integer.parseInt(m.getOrDefault("clients", String.valueOf(defaultClients))),
        Integer.parseInt(m.getOrDefault("concurrency", "100")),
        Integer.parseInt(m.getOrDefault("sources", "4")),
        Integer.parseInt(m.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
        Integer.parseInt(m.getOrDefault("rate", slow ? "500" : "50")),
        Integer.parseInt(m.getOrDefault("window", "32")),
        Integer.parseInt(m.getOrDefault("in-flight", "1")),
        Integer.parseInt(m.getOrDefault("payload", slow ? "2048" : "64")),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("warmup-ms", "3000"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("duration-ms", "10000"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("drain-ms", "3000"))),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("connect-timeout-ms", "60000"))),
        Boolean.parseBoolean(m.getOrDefault("live-heap", "true")),
        Duration.ofMillis(Long.parseLong(m.getOrDefault("hold-ms", "0"))),
        Boolean.parseBoolean(m.getOrDefault("deflate", "false")),
        m.getOrDefault("padding", "letters"),
        Integer.parseInt(m.getOrDefault("rounds", "1")),
        Integer.parseInt(m.getOrDefault("source-base", "1")),
        m.containsKey("more-ports") ? java.util.Arrays.stream(m.get("more-ports").split(","))
            .map(String::trim).filter(x -> !x.isEmpty()).map(Integer::valueOf).toList() : java.util.List.of(),
        Boolean.parseBoolean(m.getOrDefault("emit", "true")),
        Long.parseLong(m.getOrDefault("start-at", "0")));
  }
}
