package io.switchboard.redis.demo;

import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.redis.RedisMode;
import io.switchboard.redis.RedisStreamsAdapterFactory;
import io.switchboard.redis.RedisStreamsAdapterOptions;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A Switchboard server on the Redis adapter, to try a cluster by hand: every "chat message" a client sends goes to
 * every client of every server, Java or Node. The recovery tests run it in a child JVM and kill it.
 *
 * <pre>{@code
 * mvn -q -pl redis exec:java -Dexec.args="--port 3001 --redis redis://127.0.0.1:6379"
 * mvn -q -pl redis exec:java -Dexec.args="--port 3001 --streams --recovery 120"
 * }</pre>
 *
 * <p>Options: {@code --port N} (3001; 0 for any), {@code --redis URL} (redis://127.0.0.1:6379), {@code --key PREFIX}
 * (socket.io: the channel prefix, and with {@code --streams} the stream name and the session key prefix
 * {@code PREFIX:s:}), {@code --sharded} (sharded pub/sub), {@code --streams} (the Redis Streams adapter),
 * {@code --recovery SECONDS} (connection state recovery). Clients join the rooms named in their {@code rooms} auth
 * field (comma-separated).
 */
public final class ClusterDemo {
  private ClusterDemo() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 3001;
    String redis = "redis://127.0.0.1:6379";
    String key = null;
    boolean sharded = false;
    boolean streams = false;
    int recovery = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--redis" -> redis = args[++i];
        case "--key" -> key = args[++i];
        case "--sharded" -> sharded = true;
        case "--streams" -> streams = true;
        case "--recovery" -> recovery = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AutoCloseable closeAdapter;
    ServerOptions.Builder server = ServerOptions.builder();
    if (streams) {
      RedisStreamsAdapterOptions.Builder options = RedisStreamsAdapterOptions.builder().useShardedPubSub(sharded);
      if (key != null) {
        options.streamName(key).channelPrefix(key).sessionKeyPrefix(key + ":s:");
      }
      RedisStreamsAdapterFactory adapter = RedisStreamsAdapterFactory.create(redis, options.build());
      server.adapter(adapter);
      closeAdapter = adapter;
    } else {
      RedisAdapterOptions.Builder options = RedisAdapterOptions.builder();
      if (key != null) {
        options.key(key);
      }
      if (sharded) {
        options.mode(RedisMode.SHARDED);
      }
      RedisAdapterFactory adapter = RedisAdapterFactory.create(redis, options.build());
      server.adapter(adapter);
      closeAdapter = adapter;
    }
    if (recovery > 0) {
      server.connectionStateRecovery(new ConnectionStateRecovery(Duration.ofSeconds(recovery), true));
    }
    Server io = new Server(server.build());
    io.onConnection(socket -> {
      Object rooms = socket.handshake().auth().get("rooms");
      if (!socket.recovered() && rooms instanceof String r && !r.isEmpty()) {
        socket.join(r.split(","));
      }
      socket.on("chat message", (a, ack) -> io.emit("chat message", a.toArray()));
      socket.emit("joined");
    });
    io.listen(new InetSocketAddress("127.0.0.1", port));
    System.out.println("Switchboard on http://127.0.0.1:" + io.port() + " in the cluster on " + redis
        + (streams ? " (streams)" : "") + (recovery > 0 ? " with recovery" : ""));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      io.close();
      try {
        closeAdapter.close();
      } catch (Exception e) {
        System.err.println("closing the adapter: " + e);
      }
    }));
    Thread.currentThread().join();
  }
}
