package io.switchboard.bench.servers;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisStreamsAdapterFactory;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.server.metrics.SwitchboardMetrics;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Switchboard server under load: namespace {@code /} with the bench contract shared by every reference server:
 * {@code join(room, ack)} joins and acks {@code "ok"}, {@code bcast({r, …})} emits {@code bcast} with the same object
 * to room {@code r}, {@code echo(payload, ack)} acks the payload unchanged.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar server --port 3000
 * java -jar bench/target/switchboard-bench.jar server --port 3001 --redis redis://127.0.0.1:6379   # one of a cluster
 * java -jar bench/target/switchboard-bench.jar server --port 3001 --redis redis://127.0.0.1:6379 --streams --recovery
 * }</pre>
 */
public final class SwitchboardBenchServer {
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
    if ("direct".equals(args.handlers())) {
      options.handlerExecutor(Runnable::run); // the bench handlers never block
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
        + (args.recovery() ? ", connection state recovery" : "") + (args.metrics() ? ", metrics" : "") + ")");
    AutoCloseable closeRedis = redis;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      io.close();
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
