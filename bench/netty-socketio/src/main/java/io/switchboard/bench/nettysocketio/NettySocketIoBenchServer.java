package io.switchboard.bench.nettysocketio;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import io.netty.channel.epoll.Epoll;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The netty-socketio reference server for the benchmarks, with the bench contract every bench server implements:
 * {@code join(room, ack)} joins and acks {@code "ok"}, {@code bcast({r, …})} emits {@code bcast} with the same object
 * to room {@code r}, {@code echo(payload, ack)} acks the payload unchanged.
 *
 * <pre>{@code
 * java -jar bench/netty-socketio/target/netty-socketio-bench-server.jar --port 3003 [--threads 1] [--epoll true]
 * }</pre>
 *
 * <p>Payloads are bound the way a netty-socketio user binds free-form JSON: to {@code Map} and {@code Object}.
 */
public final class NettySocketIoBenchServer {
  private NettySocketIoBenchServer() {}

  @SuppressWarnings({"rawtypes", "unchecked"})
  public static void main(String... args) throws InterruptedException {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      m.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String host = m.getOrDefault("host", "127.0.0.1");
    int port = Integer.parseInt(m.getOrDefault("port", "3003"));
    int threads = Integer.parseInt(m.getOrDefault("threads",
        String.valueOf(Runtime.getRuntime().availableProcessors())));
    boolean epoll = Boolean.parseBoolean(m.getOrDefault("epoll", "true")) && Epoll.isAvailable();

    Configuration config = new Configuration();
    config.setHostname(host);
    config.setPort(port);
    config.setBossThreads(1);
    config.setWorkerThreads(threads);
    config.setUseLinuxNativeEpoll(epoll);
    config.setTransports(Transport.WEBSOCKET, Transport.POLLING);
    SocketConfig socket = new SocketConfig();
    socket.setTcpNoDelay(true);
    socket.setReuseAddress(true);
    socket.setAcceptBackLog(8192);
    config.setSocketConfig(socket);

    SocketIOServer server = new SocketIOServer(config);
    server.addEventListener("join", String.class, (client, room, ack) -> {
      client.joinRoom(room);
      if (ack.isAckRequested()) {
        ack.sendAckData("ok");
      }
    });
    server.addEventListener("bcast", Map.class, (client, message, ack) ->
        server.getRoomOperations(String.valueOf(((Map) message).get("r"))).sendEvent("bcast", message));
    server.addEventListener("echo", Object.class, (client, payload, ack) -> {
      if (ack.isAckRequested()) {
        ack.sendAckData(payload);
      }
    });
    server.start();
    System.out.println("netty-socketio bench server on " + host + ":" + port + " (" + (epoll ? "epoll" : "nio") + ", "
        + threads + " event loops)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      stopped.countDown();
    }));
    stopped.await();
  }
}
