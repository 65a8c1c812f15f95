package io.switchboard.redis;

import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.server.cluster.ClusterClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Switchboard server on the Redis adapter with the behaviour of the Node test server (rooms from auth, data,
 * "joined", "shout", "whoami" and "note" server-side events), and its clients.
 *
 * <pre>{@code
 * try (JavaNode j = JavaNode.start("java0", RedisAdapterOptions.builder().key(key).build())) {
 *   ClusterClient a = j.client("a", "room1");
 * }
 * }</pre>
 */
final class JavaNode implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  final String name;
  final Server io;
  final RedisAdapterFactory redis;
  final RedisStreamsAdapterFactory streams;
  final BlockingQueue<String> notes = new LinkedBlockingQueue<>();
  private final List<ClusterClient> clients = new ArrayList<>();

  private JavaNode(String name, RedisAdapterFactory redis, RedisStreamsAdapterFactory streams,
      ConnectionStateRecovery recovery) {
    this.name = name;
    this.redis = redis;
    this.streams = streams;
    ServerOptions.Builder b = ServerOptions.builder().adapter(redis != null ? redis : streams);
    if (recovery != null) {
      b.connectionStateRecovery(recovery);
    }
    this.io = new Server(b.build());
    java.util.function.Consumer<io.switchboard.server.Socket> onConnection = socket -> {
      if (!socket.recovered()) {
        Object rooms = socket.handshake().auth().get("rooms");
        if (rooms instanceof String r && !r.isEmpty()) {
          socket.join(r.split(","));
        }
        socket.data(Map.of("name", String.valueOf(socket.handshake().auth().get("name")), "server", name));
      }
      socket.on("shout", (args, ack) -> {
        socket.broadcast().emit("shout", args.toArray());
        ack.send("done");
      });
      socket.on("join", (args, ack) -> {
        socket.join(args.string(0));
        ack.send("joined");
      });
      socket.on("leave", (args, ack) -> {
        socket.leave(args.string(0));
        ack.send("left");
      });
      socket.emit("joined");
    };
    io.onConnection(onConnection);
    io.of("/chat").onConnection(onConnection);
    io.onServerSideEmit("whoami", (args, ack) -> ack.send(name + ":" + args.string(0)));
    io.onServerSideEmit("note", (args, ack) -> notes.add(args.nodes().toString()));
    io.listen(new InetSocketAddress("127.0.0.1", 0));
  }

  static JavaNode start(String name, RedisAdapterOptions options) {
    return start(name, RedisTests.URI, options);
  }

  static JavaNode start(String name, String uri, RedisAdapterOptions options) {
    return new JavaNode(name, RedisAdapterFactory.create(uri, options), null, null);
  }

  /** A server on the streams adapter, with connection state recovery if {@code recovery} is given. */
  static JavaNode streams(String name, String uri, RedisStreamsAdapterOptions options,
      ConnectionStateRecovery recovery) {
    return new JavaNode(name, null, RedisStreamsAdapterFactory.create(uri, options), recovery);
  }

  String url() {
    return "http://127.0.0.1:" + io.port();
  }

  ClusterClient client(String clientName, String rooms) {
    ClusterClient c = ClusterClient.connect(url(), clientName, rooms, WAIT);
    synchronized (clients) {
      clients.add(c);
    }
    return c;
  }

  int serverCount() {
    try {
      return io.sockets().adapter().serverCount().toCompletableFuture().join();
    } catch (RuntimeException redisAway) {
      return -1;
    }
  }

  String nextNote() throws InterruptedException {
    String n = notes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (n == null) {
      throw new AssertionError(name + ": no server-side note within " + WAIT);
    }
    return n;
  }

  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(ClusterClient::close);
    }
    io.close();
    if (redis != null) {
      redis.close();
    }
    if (streams != null) {
      streams.close();
    }
  }
}
