package io.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small TCP load balancer for tests, in front of several server processes the way a real one would be: each
 * accepted connection is piped to one backend, and a backend that refuses the connection (stopped, killed, restarting)
 * is skipped for the next one.
 *
 * <pre>{@code
 * try (TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.FIRST_AVAILABLE, portA, portB)) {
 *   String url = "http://127.0.0.1:" + lb.port();   // the page and its socket go to A while A is up, then to B
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link Policy#FIRST_AVAILABLE} keeps every client on the first backend that accepts (long-polling needs every
 * request of a session on one node; this is what a balancer with sticky sessions does when all clients share an
 * address). {@link Policy#ROUND_ROBIN} spreads the connections. Ports can be replaced while running
 * ({@link #backends(int...)}), for a node that comes back on another port. Blocking sockets, two threads per
 * connection: meant for tens of connections, not load.
 */
public final class TcpBalancer implements AutoCloseable {
  /** How a backend is chosen for a new connection. */
  public enum Policy {
    /** The first backend in the list that accepts the connection. */
    FIRST_AVAILABLE,
    /** The next backend in turn, skipping those that refuse. */
    ROUND_ROBIN
  }

  private final Policy policy;
  private final ServerSocket listener;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private volatile List<Integer> backends;
  private volatile boolean closed;

  private TcpBalancer(Policy policy, List<Integer> backends) throws IOException {
    this.policy = policy;
    this.backends = backends;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-balancer-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a balancer on a free loopback port in front of the given loopback ports. */
  public static TcpBalancer start(Policy policy, int... backendPorts) {
    try {
      return new TcpBalancer(policy, ports(backendPorts));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Replaces the backends that new connections go to; open connections stay where they are. */
  public void backends(int... backendPorts) {
    this.backends = ports(backendPorts);
  }

  /** Connection attempts to backends that were refused so far. */
  public long refusedAttempts() {
    return refused.get();
  }

  private static List<Integer> ports(int... ports) {
    return java.util.Arrays.stream(ports).boxed().toList();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      Thread t = new Thread(() -> connect(client), "tcp-balancer-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void connect(Socket client) {
    List<Integer> ports = backends;
    int start = policy == Policy.ROUND_ROBIN ? Math.floorMod(next.getAndIncrement(), Math.max(1, ports.size())) : 0;
    for (int i = 0; i < ports.size() && !closed; i++) {
      int port = ports.get((start + i) % ports.size());
      Socket backend = new Socket();
      try {
        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
      } catch (IOException e) {
        refused.incrementAndGet();
        closeQuietly(backend);
        continue;
      }
      open.add(client);
      open.add(backend);
      AtomicInteger directions = new AtomicInteger(2);
      pipe(client, backend, directions, "up");
      pipe(backend, client, directions, "down");
      return;
    }
    closeQuietly(client); // no backend: the client sees its connection closed, as behind a real balancer
  }

  private void pipe(Socket from, Socket to, AtomicInteger directions, String direction) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
        to.shutdownOutput(); // pass the half-close on
      } catch (IOException e) {
        // a reset on one side (a killed backend) closes the other
        closeQuietly(from);
        closeQuietly(to);
      } finally {
        if (directions.decrementAndGet() == 0) {
          closeQuietly(from);
          closeQuietly(to);
          open.remove(from);
          open.remove(to);
        }
      }
    }, "tcp-balancer-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException | RuntimeException ignored) {
      // closing anyway
    }
  }

  /** Closes every open connection at once (as a balancer that restarts would), keeping the listener. */
  public void dropConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    dropConnections();
  }

  /** For diagnostics: the sockets currently piped (both sides of each connection). */
  public int openSockets() {
    return open.size();
  }
}
