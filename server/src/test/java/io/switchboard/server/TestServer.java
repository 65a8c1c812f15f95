package io.switchboard.server;

import io.socket.client.IO;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real server on an ephemeral port, and official Java clients pointed at it; closes everything. */
final class TestServer implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(15);

  final Server io;
  private final List<io.socket.client.Socket> clients = new ArrayList<>();

  TestServer() {
    this(ServerOptions.DEFAULT);
  }

  TestServer(ServerOptions options) {
    io = new Server(options).listen(new InetSocketAddress("127.0.0.1", 0));
  }

  String url() {
    return "http://127.0.0.1:" + io.port();
  }

  /** A Java client (not yet connected) for {@code nsp}, websocket only, no reconnection. */
  io.socket.client.Socket client(String nsp) {
    return client(nsp, Map.of(), "websocket");
  }

  io.socket.client.Socket client(String nsp, Map<String, String> auth, String... transports) {
    IO.Options o = IO.Options.builder()
        .setForceNew(true)
        .setReconnection(false)
        .setTransports(transports)
        .setAuth(auth)
        .build();
    io.socket.client.Socket s = IO.socket(URI.create(url() + nsp), o);
    synchronized (clients) {
      clients.add(s);
    }
    return s;
  }

  @Override
  public void close() {
    synchronized (clients) {
      for (io.socket.client.Socket s : clients) {
        s.close();
      }
    }
    io.close();
  }
}
