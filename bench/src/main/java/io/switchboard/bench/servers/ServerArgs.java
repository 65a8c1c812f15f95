package io.switchboard.bench.servers;

import io.switchboard.bench.NettyTransport;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The command-line options every bench server takes: {@code --host}, {@code --port}, {@code --threads},
 * {@code --transport}, and for the Switchboard server {@code --handlers} and {@code --redis}.
 *
 * <pre>{@code
 * ServerArgs a = ServerArgs.parse("--port", "3000", "--transport", "epoll");
 * }</pre>
 *
 * @param host      the address to listen on (loopback by default)
 * @param port      the port
 * @param threads   I/O event loops; by default one per available core (so one when pinned with taskset)
 * @param transport the Netty transport
 * @param handlers  {@code default} (the server's handler executor) or {@code direct} (handlers on the I/O thread)
 * @param redis     a Redis URI for the cluster scenario, or {@code null}
 */
public record ServerArgs(String host, int port, int threads, NettyTransport transport, String handlers, String redis) {

  /** Parses {@code --name value} pairs. */
  public static ServerArgs parse(String... args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("missing value after " + args[args.length - 1]);
    }
    return new ServerArgs(
        m.getOrDefault("host", "127.0.0.1"),
        Integer.parseInt(m.getOrDefault("port", "3000")),
        Integer.parseInt(m.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
        NettyTransport.pick(m.getOrDefault("transport", "auto")),
        m.getOrDefault("handlers", "default"),
        m.get("redis"));
  }

  /** The address to listen on. */
  public InetSocketAddress address() {
    return new InetSocketAddress(host, port);
  }
}
