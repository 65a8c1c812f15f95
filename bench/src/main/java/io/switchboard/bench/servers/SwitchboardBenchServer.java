package io.switchboard.bench.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.PerMessageDeflate;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.server.EventStreamOptions;
import io.switchboard.server.PlainWebSocketOptions;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisStreamsAdapterFactory;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.HandlerDispatch;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.server.metrics.SwitchboardMetrics;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Switchboard server under load: namespace {@code /} with the bench contract shared by every reference server:
 * {@code join(room, ack)} joins and acks {@code "ok"}, {@code bcast({r, …})} emits {@code bcast} with the same object
 * to room {@code r}, {@code echo(payload, ack)} acks the payload unchanged. Plain WebSocket clients at {@code /ws}
 * join with the text frame {@code {"event":"join","data":"<room>"}} (answered {@code {"event":"joined","data":"<room>"}})
 * and receive each {@code bcast} as {@code {"event":"bcast","data":[<the object>]}}; SSE streams at
 * {@code /sse?room=<room>} receive it as {@code event: bcast}, {@code data: <the object>}.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar server --port 3000
 * java -jar bench/target/switchboard-bench.jar server --port 3001 --redis redis://127.0.0.1:6379   # one of a cluster
 * java -jar bench/target/switchboard-bench.jar server --port 3001 --redis redis://127.0.0.1:6379 --streams --recovery
 * java -jar bench/target/switchboard-bench.jar server --port 3000 --deflate --deflate-threshold 1024
 * }</pre>
 */
public final class SwitchboardBenchServer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private SwitchboardBenchServer() {}

  /** Builds the Socket.IO server with the bench contract (not yet listening), on the in-memory adapter. */
  public static Server create(ServerArgs args) {
    return create(args, null);
  }

  /** Builds the Socket.IO server with the bench contract on {@code adapter} ({@code null}: the in-memory one). */
  public static Server create(ServerArgs args, AdapterFactory adapter) {
    ServerOptions.Builder options = ServerOptions.builder();
    if (args.recovery()) {
      options.connectionStateRecovery(ConnectionStateRecovery.DEFAULT);
    }
    if (adapter != null) {
      options.adapter(adapter);
    }
    if (args.deflate()) {
      options.engine(EngineOptions.DEFAULT.toBuilder().perMessageDeflate(PerMessageDeflate.builder()
          .enabled(true).threshold(args.deflateThreshold()).build()).build());
    }
    // default: the server's own choice (ADAPTIVE: the bench handlers never block, so they stay on the I/O thread)
    if ("executor".equals(args.handlers())) {
      options.handlerDispatch(HandlerDispatch.EXECUTOR);
    } else if ("direct".equals(args.handlers())) {
      options.handlerDispatch(HandlerDispatch.EVENT_LOOP);
    }
    Server io = new Server(options.build());
    io.onConnection(socket -> {
      socket.on("join", (a, ack) -> {
        socket.join(a.string(0));
        ack.send("ok");
      });
      socket.on("bcast", (a, ack) -> {
        JsonNode message = a.node(0);
        io.to(message.path("r").asText()).emit("bcast", message);
      });
      socket.on("echo", (a, ack) -> ack.send(a.node(0)));
    });
    // the same rooms for plain WebSocket clients and SSE streams; no per-user or per-address cap for the load generator
    PlainWebSocketOptions ws = PlainWebSocketOptions.builder()
        .maxConnectionsPerUser(Integer.MAX_VALUE).maxConnectionsPerAddress(Integer.MAX_VALUE).build();
    io.webSocket("/ws", ws, client -> client.onText(text -> {
      JsonNode m;
      try {
        m = JSON.readTree(text);
      } catch (java.io.IOException e) {
        client.close(1007, "not JSON");
        return;
      }
      if ("join".equals(m.path("event").asText()) && m.path("data").isTextual()) {
        client.join(m.get("data").textValue());
        client.send("{\"event\":\"joined\",\"data\":" + m.get("data") + "}");
      }
    }));
    EventStreamOptions sse = EventStreamOptions.builder()
        .maxStreamsPerUser(Integer.MAX_VALUE).maxStreamsPerAddress(Integer.MAX_VALUE).build();
    io.sse("/sse", sse, stream -> {
      String room = stream.handshake().query().get("room");
      if (room != null) {
        stream.join(room);
      }
    });
    return io;
  }

  /**
   * Binds the Switchboard meters to a Prometheus registry and scrapes it every second on a thread of its own (a
   * Prometheus server would scrape every 15 s or so: this is the heavier case).
   */
  static void scrapeEverySecond(Server io) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new SwitchboardMetrics(io).bindTo(registry);
    ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bench-scraper");
      t.setDaemon(true);
      return t;
    });
    scraper.scheduleAtFixedRate(() -> registry.scrape().length(), 1, 1, TimeUnit.SECONDS);
  }

  /** Starts the server and blocks until it stops; refuses unknown options with the usage. */
  public static void main(String... argv) {
    ServerArgs args;
    try {
      args = ServerArgs.parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    AutoCloseable redis = null;
    AdapterFactory adapter = null;
    if (args.redis() != null && args.streams()) {
      RedisStreamsAdapterFactory f = RedisStreamsAdapterFactory.create(args.redis());
      redis = f;
      adapter = f;
    } else if (args.redis() != null) {
      RedisAdapterFactory f = RedisAdapterFactory.create(args.redis());
      redis = f;
      adapter = f;
    }
    Server io = create(args, adapter);
    BenchHttpServer http = BenchHttpServer.start(args.address(), args.transport(), args.threads(), io::configure);
    if (args.metrics()) {
      scrapeEverySecond(io);
    }
    System.out.println("switchboard bench server on " + args.host() + ":" + http.port() + " (" + args.transport().label()
        + ", " + args.threads() + " event loops, handlers " + args.handlers()
        + (redis == null ? "" : ", Redis " + (args.streams() ? "Streams" : "pub/sub") + " adapter on " + args.redis())
        + (args.recovery() ? ", connection state recovery" : "") + (args.metrics() ? ", metrics" : "")
        + (args.deflate() ? ", permessage-deflate from " + args.deflateThreshold() + " bytes" : "") + ")");
    AutoCloseable closeRedis = redis;
    // SIGTERM: new connections are refused, the clients are moved away within --shutdown-grace, then everything closes
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      http.stopAccepting();
      io.close(args.shutdownGrace());
      http.close();
      if (closeRedis != null) {
        try {
          closeRedis.close();
        } catch (Exception e) {
          System.err.println("closing the Redis adapter: " + e);
        }
      }
    }));
    http.awaitClose();
  }
}
