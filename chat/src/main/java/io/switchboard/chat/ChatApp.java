package io.switchboard.chat;

import io.switchboard.chat.notify.NotificationStreams;
import io.switchboard.chat.cluster.ChatRedis;
import io.switchboard.chat.metrics.MetricsEndpoint;
import io.switchboard.chat.flood.FloodGate;
import io.switchboard.chat.flood.FloodLimiter;
import io.switchboard.chat.flood.RedisFloodGate;
import io.switchboard.chat.presence.Presence;
import io.switchboard.chat.socket.ChatSockets;
import io.switchboard.chat.typing.RedisTyping;
import io.switchboard.chat.typing.Typing;
import io.switchboard.chat.typing.TypingTracker;
import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.redis.RedisStreamsAdapterFactory;
import io.switchboard.redis.RedisStreamsAdapterOptions;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.HandlerDispatch;
import io.switchboard.server.Namespace;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.admin.AdminUi;
import io.switchboard.admin.AdminUiOptions;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.switchboard.server.ConnectError;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The running chat application: database, services, the Socket.IO server and the HTTP routes on one port, wired
 * from a {@link ChatConfig}.
 *
 * <pre>{@code
 * try (ChatApp app = ChatApp.start(ChatConfig.builder().port(0).dataDir(dir).build())) {
 *   System.out.println("open " + app.url());
 * }
 * }</pre>
 */
public final class ChatApp implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChatApp.class);
  /** bcrypt cost of stored passwords. */
  static final int BCRYPT_COST = 10;
  /**
   * Connection state recovery: a client back within two minutes gets its socket, rooms and missed broadcasts; the
   * token check runs again (a session comes back only to its own user).
   */
  static final ConnectionStateRecovery RECOVERY = new ConnectionStateRecovery(Duration.ofMinutes(2), false);
  /** The largest request body the chat's HTTP routes read (sign-in JSON); bigger ones get 413. */
  static final int MAX_BODY = 64 * 1024;
  /** The hosted Admin UI's origin, allowed to open Socket.IO connections (to the admin namespace only) when on. */
  static final String ADMIN_SITE = "https://admin.socket.io";
  private final ChatConfig config;
  private final Database db;
  private final ChatService chat;
  private final Presence presence;
  private final Server io;
  private final ScheduledExecutorService timer;
  private final AdapterFactory redis;
  private final ChatRedis shared;
  private final HttpServer http;
  private final Readiness readiness;

  /** What {@code GET /readyz} reports: ready from the start until a shutdown begins. */
  static final class Readiness {
    private volatile boolean ready = true;

    boolean ready() {
      return ready;
    }

    void shuttingDown() {
      ready = false;
    }
  }
  private volatile MetricsEndpoint metrics;
  private final AdminUi admin;

  private ChatApp(ChatConfig config, Database db, ChatService chat, Presence presence, Server io,
      ScheduledExecutorService timer, AdapterFactory redis, ChatRedis shared, HttpServer http, AdminUi admin,
      Readiness readiness) {
    this.config = config;
    this.db = db;
    this.chat = chat;
    this.presence = presence;
    this.io = io;
    this.timer = timer;
    this.redis = redis;
    this.shared = shared;
    this.http = http;
    this.admin = admin;
    this.readiness = readiness;
  }

  /**
   * Opens the database (migrating it), connects to Redis when a cluster is configured, and starts listening.
   *
   * <p>Nodes of one cluster share the database, the Redis server and channel prefix, and the signing secret.
   */
  public static ChatApp start(ChatConfig config) {
    String secret = SigningSecret.resolve(config);
    String url = config.databaseUrl().orElseGet(() -> Database.embeddedUrl(config.dataDir()));
    Database db = Database.open(url, Optional.empty());
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "chat-timer");
      t.setDaemon(true);
      return t;
    });
    AdapterFactory redis;
    try {
      redis = clusterAdapter(config);
    } catch (RuntimeException e) {
      timer.shutdownNow();
      db.close();
      throw new IllegalStateException("cannot connect to Redis at " + config.redisUrl().get() + ": " + e.getMessage(), e);
    }
    OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
    Server io = new Server(socketOptions(config, redis, origins));
    Presence presence = null;
    ChatRedis shared = null;
    AdminUi admin = null;
    try {
      Clock clock = Clock.systemUTC();
      TokenService tokens = new TokenService(secret, config.tokenLifetime(), clock);
      ChatService chat = new ChatService(db, new PasswordHasher(BCRYPT_COST), tokens, new NotificationBus(), clock);
      Namespace nsp = io.sockets();
      presence = new Presence(nsp, timer, clock, config.timing(), redis != null);
      shared = config.redisUrl().map(r -> ChatRedis.connect(r, config.redisKey())).orElse(null);
      FloodGate flood = floodGate(config, shared, clock, presence.nodeId());
      Typing typing = typing(config, shared, nsp, timer, clock);
      HttpApi api = new HttpApi(chat, presence, origins, new StaticFiles("web"));
      new NotificationStreams(chat, origins, config).install(io); // GET /api/events
      admin = adminUi(config, io, presence.nodeId(), origins);
      Readiness readiness = new Readiness();
      api.readyWhen(readiness::ready);
      new ChatSockets(chat, nsp, timer, clock, config.timing(), flood, typing, presence).install();
      // the library's HTTP limits (connections per address, idle and request timeouts, strict parsing), with the
      // deployment's reverse proxies believed about the client's address
      HttpServerOptions limits = HttpServerOptions.builder().trustedProxies(config.trustedProxies())
          .tls(config.tls().options(config.dataDir())).build();
      AdminUi uiHandler = admin;
      HttpServer http = HttpServer.start(new InetSocketAddress(config.host(), config.port()), limits, pipeline -> {
        // bodies over the chat's limit get 413; an event stream's connection takes no further request
        RequestGuard guard = new RequestGuard(api.clientErrors());
        pipeline.addLast("chat-guard", guard);
        // gzip for the page, its scripts (the Socket.IO client bundle included) and JSON; not for polling or SSE
        pipeline.addLast("chat-gzip", new PageCompressor());
        if (uiHandler != null) {
          pipeline.addLast("chat-admin-ui", uiHandler.newUiHandler());
        }
        io.configure(pipeline);
        pipeline.addLast("chat-aggregator", guard.aggregator(MAX_BODY));
        pipeline.addLast("chat-api", api);
      });
      ChatApp app = new ChatApp(config, db, chat, presence, io, timer, redis, shared, http, admin, readiness);
      if (config.metricsPort().isPresent()) {
        try {
          app.metrics = MetricsEndpoint.start(io, http,
              new InetSocketAddress(config.metricsHost(), config.metricsPort().get()));
        } catch (RuntimeException e) {
          app.close();
          throw new IllegalStateException("cannot serve metrics on " + config.metricsHost() + ":"
              + config.metricsPort().get() + ": " + e.getMessage(), e);
        }
        log.info("metrics at http://{}:{}/metrics", config.metricsHost(), app.metrics.port());
      }
      log.info("Switchboard chat started at {} ({})", app.url(), app.summary());
      return app;
    } catch (RuntimeException e) {
      if (admin != null) {
        admin.close();
      }
      if (presence != null) {
        presence.stop();
      }
      io.close();
      if (shared != null) {
        shared.close();
      }
      closeAdapter(redis);
      timer.shutdownNow();
      db.close();
      throw e;
    }
  }

  /**
   * The Socket.IO Admin UI when {@code --admin-user} and {@code --admin-password-hash} are given, else null: the
   * namespace {@code /admin} with that sign-in, the UI served at {@code /admin/}, this node's id in the dashboard
   * {@code <host>#<node id>} (unique in the cluster, so each node shows as its own server). The chat's own namespace
   * refuses connections from the hosted UI's origin, which the engine lets in only for the admin namespace's sake.
   */
  static AdminUi adminUi(ChatConfig config, Server io, String nodeId, OriginPolicy origins) {
    if (config.adminAuth().isEmpty()) {
      return null;
    }
    AdminUiOptions.BasicAuth auth = config.adminAuth().get();
    AdminUi admin = AdminUi.instrument(io, AdminUiOptions.builder()
        .auth(auth.username(), auth.passwordHash())
        .mode(config.adminMode())
        .serverId(hostname() + "#" + nodeId)
        .build());
    io.sockets().use((socket, next) -> {
      String origin = socket.handshake().headers().get("origin");
      if (origin != null && ADMIN_SITE.equalsIgnoreCase(origin)
          && !origins.isCrossOriginAllowed(origin)) {
        next.fail(new ConnectError("origin not allowed"));
      } else {
        next.proceed();
      }
    });
    return admin;
  }

  private static String hostname() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /** The flood limit: cluster-wide through Redis when there is Redis (this node's own while it is away). */
  static FloodGate floodGate(ChatConfig config, ChatRedis shared, Clock clock, String node) {
    FloodLimiter local = new FloodLimiter(config.floodLimit(), Duration.ofSeconds(1), clock);
    return shared == null ? local : new RedisFloodGate(shared, local, node);
  }

  /** Who is typing: cluster-wide through Redis when there is Redis (this node's own while it is away). */
  static Typing typing(ChatConfig config, ChatRedis shared, Namespace nsp, ScheduledExecutorService timer,
      Clock clock) {
    TypingTracker.Broadcast out = (room, user, isTyping) -> nsp.to(room).except(ChatSockets.userRoom(user))
        .asVolatile().emit("user:typing", Map.of("room", room, "username", user, "isTyping", isTyping));
    ChatTiming t = config.timing();
    TypingTracker local = new TypingTracker(timer, t.typingThrottle(), t.typingExpiry(), clock, out);
    return shared == null ? local : new RedisTyping(shared, timer, t.typingThrottle(), t.typingExpiry(), out, local);
  }

  /**
   * The cluster adapter of this configuration, or null for a single node: with {@code --redis}, the Redis Streams
   * adapter (sessions kept in Redis, so a client of a dead node recovers on another), or the pub/sub adapter with
   * {@code --redis-adapter pubsub}. It is closed with the app when it is {@link AutoCloseable}.
   */
  static AdapterFactory clusterAdapter(ChatConfig config) {
    if (config.redisUrl().isEmpty()) {
      return null;
    }
    String url = config.redisUrl().get();
    String key = config.redisKey();
    if (config.redisPubSub()) {
      return RedisAdapterFactory.create(url, RedisAdapterOptions.builder().key(key).build());
    }
    return RedisStreamsAdapterFactory.create(url, RedisStreamsAdapterOptions.builder().streamName(key)
        .channelPrefix(key).sessionKeyPrefix(key + ":session:").build());
  }

  /**
   * The Socket.IO options of this configuration: the adapter of a cluster, the connect timeout when one is
   * configured (else the library's default), connection state recovery (two minutes), and the page's own origin rule
   * for handshakes and upgrades (the same as the REST routes': an {@code Origin} that names the host the request was
   * sent to, or a configured extra origin; any other is refused with 403 {@code {"code":4,"message":"Forbidden"}}).
   */
  static ServerOptions socketOptions(ChatConfig config, AdapterFactory redis, OriginPolicy origins) {
    // nearly every chat handler does JDBC (messages, rooms, users) and the connect middleware looks the user up:
    // every handler runs on the handler executor (virtual threads) rather than declaring each event blocking
    ServerOptions.Builder b = ServerOptions.builder().handlerDispatch(HandlerDispatch.EXECUTOR);
    if (redis != null) {
      b.adapter(redis);
    }
    config.connectTimeout().ifPresent(b::connectTimeout);
    b.connectionStateRecovery(RECOVERY);
    boolean admin = config.adminAuth().isPresent();
    var engine = ServerOptions.DEFAULT.engine().toBuilder()
        .allowRequest(request -> origins.allows(request.header("origin"), request.header("host"))
            || (admin && ADMIN_SITE.equalsIgnoreCase(request.header("origin"))));
    if (admin && !origins.isCrossOriginAllowed(ADMIN_SITE)) {
      // the hosted Admin UI polls with credentials (cookie-based sticky sessions), so CORS names its origin
      engine.cors(CorsConfigBuilder.forOrigin(ADMIN_SITE).allowCredentials().build());
    }
    b.engine(engine.build());
    return b.build();
  }

  private static void closeAdapter(AdapterFactory adapter) {
    if (adapter instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot close the cluster adapter: " + e.getMessage(), e);
      }
    }
  }

  /** What this node runs on: its database and whether it is one node or a cluster. */
  public String summary() {
    return "database: " + (db.isPostgres() ? "PostgreSQL" : "H2 file in " + config.dataDir())
        + config.redisUrl().map(r -> "; cluster through Redis at " + redactedUri(r) + ", node " + presence.nodeId())
            .orElse("; single node")
        + (http.tlsProvider() == null ? "" : "; TLS by " + http.tlsProvider()
            + (http.redirectPort() < 0 ? "" : ", HTTP port " + http.redirectPort() + " redirects"))
        + (admin != null ? "; Admin UI at /admin/ as " + admin.serverId() + " (" + config.adminMode() + ")" : "");
  }

  /** A Redis URI without its password. */
  static String redactedUri(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
  }

  /** The Admin UI, or null when it is off. */
  AdminUi adminUi() {
    return admin;
  }

  /** The port the server listens on. */
  public int port() {
    return http.port();
  }

  /** The port of the management server ({@code GET /metrics}), if there is one. */
  public java.util.OptionalInt metricsPort() {
    MetricsEndpoint m = metrics;
    return m == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(m.port());
  }

  /** The HTTP server (its TLS provider, certificate reload, redirect port). */
  public HttpServer http() {
    return http;
  }

  /** The URL to open in a browser. */
  public String url() {
    String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
    return (http.tlsProvider() != null ? "https://" : "http://") + host + ":" + port() + "/";
  }

  /** The chat's services. */
  public ChatService service() {
    return chat;
  }

  /** Which database this app stores into. */
  public Database database() {
    return db;
  }

  /** Who is online, cluster-wide. */
  public Presence presence() {
    return presence;
  }

  /**
   * Stops at once: the HTTP and Socket.IO servers close (telling the cluster this node leaves), then the database.
   * The same as {@code close(Duration.ZERO)}.
   */
  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /**
   * Stops gracefully within {@code grace} (what SIGTERM does, with {@code --shutdown-grace}): {@code /readyz} turns
   * 503, the listening socket closes (new connections are refused, so a balancer sends them to the other nodes), the
   * event streams end with a {@code retry:} line and the Socket.IO clients are told to go, one by one over the first
   * half of {@code grace} ({@link Server#close(Duration)}: requests in progress finish and are acknowledged first;
   * the clients reconnect to another node and, on the streams adapter, recover their sessions). Then the node tells
   * the cluster it leaves, and everything closes. With a zero grace, everything closes at once.
   */
  public void close(Duration grace) {
    readiness.shuttingDown();
    try {
      MetricsEndpoint m = metrics;
      if (m != null) {
        m.close();
      }
      if (admin != null) {
        admin.close();
      }
      if (grace.isZero()) {
        presence.stop();
        http.close();
        io.close();
      } else {
        log.info("shutting down: /readyz is 503, clients leave over {} ms", grace.dividedBy(2).toMillis());
        http.stopAccepting();
        io.close(grace);
        presence.stop(); // after the clients left: the other nodes count them again as they arrive, nobody "left"
        http.close();
      }
      closeAdapter(redis);
      if (shared != null) {
        shared.close();
      }
    } finally {
      timer.shutdownNow();
      db.close();
    }
  }
}
