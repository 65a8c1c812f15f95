package io.switchboard.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.concurrent.EventExecutor;
import io.switchboard.engine.EngineServer;
import io.switchboard.engine.ErrorCode;
import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerStats;
import io.switchboard.engine.Refusal;
import io.switchboard.engine.Transport;
import io.switchboard.server.DisconnectReason;
import io.switchboard.server.NamespaceStats;
import io.switchboard.server.Server;
import io.switchboard.server.ServerStats;
import io.switchboard.server.cluster.ClusterStats;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a Switchboard {@link Server}'s statistics to a Micrometer {@link MeterRegistry}: connections, events,
 * broadcasts, acknowledgements, handlers, event loops, the cluster adapter and the hardening limits, under
 * {@code switchboard.*} (Prometheus: {@code switchboard_*}; the names, tags and meanings are in
 * {@code docs/operations.md}).
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * SwitchboardMetrics metrics = new SwitchboardMetrics(io);   // io.listen(…) already called, or .http(myHttpServer)
 * metrics.bindTo(registry);
 * ... registry.scrape() ...
 * metrics.close();                                             // stops the event-loop probe
 * }</pre>
 *
 * <p>Nothing here runs on the server's hot path: the server bumps lock-free counters of its own ({@link
 * ServerStats}), and the meters registered here read them when the registry is scraped. Micrometer is an optional
 * dependency of the server module: only applications that use this class need it on the class path.
 */
public final class SwitchboardMetrics implements MeterBinder, AutoCloseable {
  private static final ErrorCode[] HANDSHAKE_ERRORS = {ErrorCode.UNKNOWN_TRANSPORT, ErrorCode.BAD_HANDSHAKE_METHOD,
      ErrorCode.FORBIDDEN, ErrorCode.UNSUPPORTED_PROTOCOL_VERSION};

  private final Server io;
  private final MetricsOptions options;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final ServerStats.Timing loopLatency = new ServerStats.Timing();
  private volatile HttpServer http;
  private ScheduledExecutorService probe;
  private boolean listening;

  /**
   * Metrics of {@code io} with {@link MetricsOptions#DEFAULT}.
   *
   * @param io the server to measure
   * @throws NullPointerException if {@code io} is null
   */
  public SwitchboardMetrics(Server io) {
    this(io, MetricsOptions.DEFAULT);
  }

  /**
   * Metrics of {@code io}; nothing is measured or registered until {@link #bindTo} is called.
   *
   * @param io      the server to measure
   * @param options what to measure beyond the fixed meters
   * @throws NullPointerException if an argument is null
   */
  public SwitchboardMetrics(Server io, MetricsOptions options) {
    this.io = Objects.requireNonNull(io, "io");
    this.options = Objects.requireNonNull(options, "options");
    this.http = io.httpServer();
  }

  /**
   * The HTTP server whose connection limits and event loops to measure, when the application started it itself
   * (with {@code io.configure(pipeline)}); by default the one {@code io.listen} started. Call before binding.
   *
   * @param server the HTTP server
   * @return these metrics
   * @throws NullPointerException if {@code server} is null
   */
  public SwitchboardMetrics http(HttpServer server) {
    this.http = Objects.requireNonNull(server, "server");
    return this;
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    registries.add(registry);
    ServerStats stats = io.stats();
    if (options.durations()) {
      stats.measureTimes();
    }
    if (!options.eventNames().isEmpty() && !options.eventNames().equals(stats.eventNames())) {
      stats.countEventNames(options.eventNames());
    }
    bindServer(registry, stats);
    bindEngine(registry, io.engine());
    HttpServer h = http;
    if (h != null) {
      bindHttp(registry, h);
    }
    if (!listening) {
      listening = true;
      // namespaces there are now, and each one created later, on every registry bound by then
      stats.onNamespace(n -> {
        for (MeterRegistry r : registries) {
          bindNamespace(r, n);
        }
      });
    } else {
      for (NamespaceStats n : stats.namespaces()) {
        bindNamespace(registry, n);
      }
    }
  }

  /** Stops the event-loop probe. The meters stay registered (they stop moving once the server is closed); remove
   * them from the registry if needed. */
  @Override
  public synchronized void close() {
    if (probe != null) {
      probe.shutdownNow();
      probe = null;
    }
  }

  // ---- server-wide ----

  private void bindServer(MeterRegistry r, ServerStats s) {
    for (ServerStats.ConnectFailure cause : ServerStats.ConnectFailure.values()) {
      counter(r, "switchboard.handshake.failures", "clients that did not get into a namespace, by cause", s,
          x -> x.connectFailures(cause), Tags.of("cause", lower(cause.name())));
    }
    EngineServer engine = io.engine();
    for (ErrorCode code : HANDSHAKE_ERRORS) {
      counter(r, "switchboard.handshake.failures", "clients that did not get into a namespace, by cause", engine,
          e -> e.stats().errors(code), Tags.of("cause", lower(code.name())));
    }
    Gauge.builder("switchboard.handler.queue.depth", s, ServerStats::handlerQueueDepth)
        .description("events, connects and disconnects waiting for their client's handlers, all clients")
        .strongReference(true).register(r);
    timing(r, "switchboard.handler.time", "time spent in one handler, middleware or listener run", s.handlerTime());
    timing(r, "switchboard.ack.roundtrip", "from an emit with acknowledgement to the client's answer",
        s.ackRoundTrip());
    counter(r, "switchboard.recovery.attempts", "clients that came back with a session to recover", s,
        ServerStats::recoveryAttempts, Tags.empty());
    counter(r, "switchboard.recovery.successes", "clients that got their session back", s,
        ServerStats::recoverySuccesses, Tags.empty());
  }

  private void timing(MeterRegistry r, String name, String description, ServerStats.Timing t) {
    FunctionTimer.builder(name, t, ServerStats.Timing::count, x -> x.totalNanos(), TimeUnit.NANOSECONDS)
        .description(description).register(r);
    TimeGauge.builder(name + ".max", t, TimeUnit.NANOSECONDS, x -> x.maxNanosAndReset())
        .description("the longest since the previous scrape: " + description).strongReference(true).register(r);
  }

  // ---- one namespace ----

  private void bindNamespace(MeterRegistry r, NamespaceStats n) {
    Tags ns = Tags.of("namespace", n.name());
    for (Transport t : Transport.values()) {
      String wire = t.wireName();
      Gauge.builder("switchboard.connections", n, x -> x.connections(wire))
          .description("sockets connected now on this server").tags(ns.and("transport", wire))
          .strongReference(true).register(r);
    }
    counter(r, "switchboard.connects", "sockets that joined", n, NamespaceStats::connects, ns);
    for (DisconnectReason reason : DisconnectReason.values()) {
      counter(r, "switchboard.disconnects", "sockets that left, by reason", n, x -> x.disconnects(reason),
          ns.and("reason", lower(reason.name())));
    }
    counter(r, "switchboard.events.received", "events received from clients", n, NamespaceStats::eventsReceived, ns);
    counter(r, "switchboard.events.sent", "events sent to clients (each broadcast recipient counts)", n,
        NamespaceStats::eventsSent, ns);
    for (String event : options.eventNames()) {
      counter(r, "switchboard.events.named.received", "events of a listed name received", n,
          x -> x.eventsReceived(event), ns.and("event", event));
      counter(r, "switchboard.events.named.sent", "events of a listed name sent", n, x -> x.eventsSent(event),
          ns.and("event", event));
    }
    counter(r, "switchboard.broadcasts", "broadcasts delivered on this server", n, NamespaceStats::broadcasts, ns);
    counter(r, "switchboard.broadcast.deliveries", "recipients of broadcasts on this server", n,
        NamespaceStats::broadcastDeliveries, ns);
    Gauge.builder("switchboard.acks.pending", n, NamespaceStats::acksPending)
        .description("acknowledgements awaited from clients now").tags(ns).strongReference(true).register(r);
    counter(r, "switchboard.ack.timeouts", "emits with acknowledgement that timed out", n,
        NamespaceStats::ackTimeouts, ns);
    if (n.cluster() != null) {
      bindCluster(r, n, ns);
    }
  }

  private void bindCluster(MeterRegistry r, NamespaceStats n, Tags ns) {
    ToDoubleFunction<NamespaceStats> servers = x -> x.cluster() == null ? 1 : x.cluster().servers();
    counter(r, "switchboard.cluster.messages.published", "messages and responses sent to the other servers", n,
        x -> cluster(x).messagesPublished(), ns);
    counter(r, "switchboard.cluster.messages.received", "messages and responses from the other servers", n,
        x -> cluster(x).messagesReceived(), ns);
    counter(r, "switchboard.cluster.publish.failures", "publications that failed", n,
        x -> cluster(x).publishFailures(), ns);
    counter(r, "switchboard.cluster.request.timeouts", "cluster requests that ended without every answer", n,
        x -> cluster(x).requestTimeouts(), ns);
    counter(r, "switchboard.cluster.link.losses", "times the link to the backend (Redis) was lost", n,
        x -> cluster(x).linkLosses(), ns);
    Gauge.builder("switchboard.cluster.servers", n, servers)
        .description("servers in the cluster as this one knows them, itself included").tags(ns)
        .strongReference(true).register(r);
    Gauge.builder("switchboard.cluster.link.up", n, x -> cluster(x).linkUp() ? 1 : 0)
        .description("1 while the link to the backend (Redis) is up, else 0").tags(ns).strongReference(true)
        .register(r);
  }

  private static final ClusterStats NONE = new ClusterStats() {
    @Override
    public long messagesPublished() {
      return 0;
    }

    @Override
    public long messagesReceived() {
      return 0;
    }

    @Override
    public long publishFailures() {
      return 0;
    }

    @Override
    public long requestTimeouts() {
      return 0;
    }

    @Override
    public int servers() {
      return 1;
    }
  };

  private static ClusterStats cluster(NamespaceStats n) {
    ClusterStats c = n.cluster();
    return c == null ? NONE : c;
  }

  // ---- the Engine.IO layer ----

  private void bindEngine(MeterRegistry r, EngineServer e) {
    counter(r, "switchboard.engine.sessions.opened", "Engine.IO sessions opened", e, x -> x.stats().opened(),
        Tags.empty());
    counter(r, "switchboard.upgrades", "sessions upgraded from polling to WebSocket", e, x -> x.stats().upgrades(),
        Tags.empty());
    FunctionCounter.builder("switchboard.received", e, x -> x.stats().bytesIn()).baseUnit(BaseUnits.BYTES)
        .description("payload received: characters of text messages plus bytes of binary ones").register(r);
    FunctionCounter.builder("switchboard.sent", e, x -> x.stats().bytesOut()).baseUnit(BaseUnits.BYTES)
        .description("bytes queued for clients, as WebSocket frames").register(r);
    for (ErrorCode code : ErrorCode.values()) {
      counter(r, "switchboard.engine.request.errors", "requests answered with an Engine.IO error", e,
          x -> x.stats().errors(code), Tags.of("code", lower(code.name())));
    }
    for (Refusal refusal : Refusal.values()) {
      counter(r, "switchboard.limits.refused", "input refused by a limit, by cause", e,
          x -> x.stats().count(refusal), Tags.of("cause", lower(refusal.name())));
    }
    Gauge.builder("switchboard.input.budget.used", e, x -> x.inputBudget().used()).baseUnit(BaseUnits.BYTES)
        .description("unfinished input held now (maxBufferedInput)").strongReference(true).register(r);
    Gauge.builder("switchboard.input.budget.limit", e, x -> x.inputBudget().limit()).baseUnit(BaseUnits.BYTES)
        .description("the most unfinished input that may be held").strongReference(true).register(r);
  }

  // ---- the HTTP server ----

  private void bindHttp(MeterRegistry r, HttpServer h) {
    Gauge.builder("switchboard.http.connections", h, x -> x.stats().openConnections())
        .description("TCP connections open now").strongReference(true).register(r);
    Gauge.builder("switchboard.http.tracked.addresses", h, x -> x.stats().trackedAddresses())
        .description("client addresses in the per-address table").strongReference(true).register(r);
    httpCounter(r, h, "max_connections", HttpServerStats::refusedMaxConnections);
    httpCounter(r, h, "evicted_silent", HttpServerStats::evictedSilent);
    httpCounter(r, h, "per_ip", HttpServerStats::refusedPerIp);
    httpCounter(r, h, "rate", HttpServerStats::refusedRate);
    httpCounter(r, h, "idle_timeout", HttpServerStats::idleTimeouts);
    httpCounter(r, h, "request_timeout", HttpServerStats::requestTimeouts);
    httpCounter(r, h, "bad_request", HttpServerStats::badRequests);
    httpCounter(r, h, "uri_too_long", HttpServerStats::uriTooLong);
    httpCounter(r, h, "headers_too_large", HttpServerStats::headersTooLarge);
    httpCounter(r, h, "accept_error", HttpServerStats::acceptErrors);
    timing(r, "switchboard.eventloop.latency", "how long a task posted to an event loop waits to run", loopLatency);
    startProbe(h);
  }

  private void httpCounter(MeterRegistry r, HttpServer h, String cause, ToDoubleFunction<HttpServerStats> f) {
    counter(r, "switchboard.http.refused", "connections and requests refused by the HTTP limits, by cause", h,
        x -> f.applyAsDouble(x.stats()), Tags.of("cause", cause));
  }

  private void startProbe(HttpServer h) {
    long every = options.eventLoopProbe().toNanos();
    if (every == 0 || probe != null) {
      return;
    }
    probe = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread t = new Thread(task, "switchboard-metrics-probe");
      t.setDaemon(true);
      return t;
    });
    probe.scheduleWithFixedDelay(() -> {
      for (EventExecutor loop : h.eventLoops()) {
        if (loop.isShuttingDown()) {
          continue;
        }
        long posted = System.nanoTime();
        try {
          loop.execute(() -> loopLatency.record(System.nanoTime() - posted));
        } catch (RuntimeException e) {
          // the loop is shutting down: nothing to measure
        }
      }
    }, every, every, TimeUnit.NANOSECONDS);
  }

  // ---- helpers ----

  private static <T> void counter(MeterRegistry r, String name, String description, T obj, ToDoubleFunction<T> f,
      Tags tags) {
    FunctionCounter.builder(name, obj, f).description(description).tags(tags).register(r);
  }

  private static String lower(String enumName) {
    return enumName.toLowerCase(Locale.ROOT);
  }
}
