package io.switchboard.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small TCP load balancer for tests of several servers: each accepted connection goes to the next backend in round
 * robin, and a backend whose port refuses the connection is skipped for the next one (as a server that closed its
 * listening socket to shut down would be); the bytes are then copied both ways until either side closes.
 *
 * <pre>{@code
 * try (TcpBalancer lb = TcpBalancer.start(List.of(nodeA.port(), nodeB.port()))) {
 *   String url = "http://127.0.0.1:" + lb.port() + "/";   // clients connect here
 *   lb.replace(nodeA.port(), restartedA.port());         // a node came back on another port
 * }
 * }</pre>
 *
 * <p>Not sticky: a client that needs every request of a session on one server (HTTP long-polling) must keep one
 * connection (WebSocket). Two threads per connection: for a few dozen clients, not for load.
 */
public final class TcpBalancer implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Integer> backends;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong refusedBackends = new AtomicLong();
  private final AtomicLong unrouted = new AtomicLong();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private TcpBalancer(ServerSocket listener, List<Integer> backends) {
    this.listener = listener;
    this.backends = new ArrayList<>(backends);
    this.acceptor = new Thread(this::acceptLoop, "tcp-balancer-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Listens on a free port of 127.0.0.1 in front of the servers at these ports of 127.0.0.1. */
  public static TcpBalancer start(List<Integer> backendPorts) {
    try {
      ServerSocket s = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      return new TcpBalancer(s, backendPorts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen", e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Routes to {@code newPort} from now on instead of {@code oldPort} (a server restarted on another port). */
  public synchronized void replace(int oldPort, int newPort) {
    int i = backends.indexOf(oldPort);
    if (i < 0) {
      throw new IllegalArgumentException("no backend on port " + oldPort + " among " + backends);
    }
    backends.set(i, newPort);
  }

  /** How many times a backend refused a connection and the next one was tried. */
  public long refusedBackends() {
    return refusedBackends.get();
  }

  /** How many client connections were closed because every backend refused. */
  public long unrouted() {
    return unrouted.get();
  }

  private synchronized List<Integer> backends() {
    return List.copyOf(backends);
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread t = new Thread(() -> route(client), "tcp-balancer-route");
      t.setDaemon(true);
      t.start();
    }
  }

  private void route(Socket client) {
    List<Integer> ports = backends();
    int first = Math.floorMod(next.getAndIncrement(), ports.size());
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get((first + i) % ports.size());
      Socket backend = new Socket();
      try {
        backend.setTcpNoDelay(true);
        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      } catch (IOException refused) {
        refusedBackends.incrementAndGet();
        closeQuietly(backend);
        continue;
      }
      try {
        client.setTcpNoDelay(true);
      } catch (IOException e) {
        // the client is gone already; the copy below ends at once
      }
      open.add(client);
      open.add(backend);
      pipe(client, backend);
      pipe(backend, client);
      return;
    }
    unrouted.incrementAndGet();
    closeQuietly(client);
  }

  /** Copies one direction; when it ends, both sockets close (half-close is not needed by HTTP or WebSocket here). */
  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "tcp-balancer-pipe");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // nothing to do
    }
    for (Socket s : open) {
      closeQuietly(s);
    }
  }
}
