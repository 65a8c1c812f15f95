package io.switchboard.redis.demo;

import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.redis.RedisMode;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import java.net.InetSocketAddress;

/**
 * A Switchboard server on the Redis adapter, to try a cluster by hand: every "chat message" a client sends goes to
 * every client of every server, Java or Node.
 *
 * <pre>{@code
 * mvn -q -pl redis exec:java -Dexec.args="--port 3001 --redis redis://127.0.0.1:6379"
 * }</pre>
 *
 * <p>Options: {@code --port N} (3001), {@code --redis URL} (redis://127.0.0.1:6379), {@code --key PREFIX}
 * (socket.io), {@code --sharded}.
 */
public final class ClusterDemo {
  private ClusterDemo() {}

  public static void main(String[] args) throws InterruptedException {
    int port = 3001;
    String redis = "redis://127.0.0.1:6379";
    RedisAdapterOptions.Builder options = RedisAdapterOptions.builder();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--redis" -> redis = args[++i];
        case "--key" -> options.key(args[++i]);
        case "--sharded" -> options.mode(RedisMode.SHARDED);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    RedisAdapterFactory adapter = RedisAdapterFactory.create(redis, options.build());
    Server io = new Server(ServerOptions.builder().adapter(adapter).build());
    io.onConnection(socket -> {
      Object rooms = socket.handshake().auth().get("rooms");
      if (rooms instanceof String r && !r.isEmpty()) {
        socket.join(r.split(","));
      }
      socket.on("chat message", (a, ack) -> io.emit("chat message", a.toArray()));
      socket.emit("joined");
    });
    io.listen(new InetSocketAddress("127.0.0.1", port));
    System.out.println("Switchboard on http://127.0.0.1:" + port + " in the cluster on " + redis);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      io.close();
      adapter.close();
    }));
    Thread.currentThread().join();
  }
}
