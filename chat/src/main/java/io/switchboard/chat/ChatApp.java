package io.switchboard.chat;

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
import io.switchboard.server.Namespace;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
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
  private final ChatConfig config;
  private final Database db;
  private final ChatService chat;
  private final Presence presence;
  private final Server io;
  private final ScheduledExecutorService timer;
  private final AdapterFactory redis;
  private final ChatRedis shared;
  private final HttpServer http;
  private volatile MetricsEndpoint metrics;

  private ChatApp(ChatConfig config, Database db, ChatService chat, Presence presence, Server io,
      ScheduledExecutorService timer, AdapterFactory redis, ChatRedis shared, HttpServer http) {
    this.config = config;
    this.db = db;
    this.chat = chat;
    this.presence = presence;
    this.io = io;
    this.timer = timer;
    this.redis = redis;
    this.shared = shared;
    this.http = http;
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
    try {
      Clock clock = Clock.systemUTC();
      TokenService tokens = new TokenService(secret, config.tokenLifetime(), clock);
      ChatService chat = new ChatService(db, new PasswordHasher(BCRYPT_COST), tokens, new NotificationBus(), clock);
      Namespace nsp = io.sockets();
      presence = new Presence(nsp, timer, clock, config.timing(), redis != null);
      shared = config.redisUrl().map(r -> ChatRedis.connect(r, config.redisKey())).orElse(null);
      FloodGate flood = floodGate(config, shared, clock, presence.nodeId());
      Typing typing = typing(config, shared, nsp, timer, clock);
      HttpApi api = new HttpApi(chat, presence, origins, new StaticFiles("web"), EventStreams.of(config));
      new ChatSockets(chat, nsp, timer, clock, config.timing(), flood, typing, presence).install();
      // the library's HTTP limits (connections per address, idle and request timeouts, strict parsing), with the
      // deployment's reverse proxies believed about the client's address
      HttpServerOptions limits = HttpServerOptions.builder().trustedProxies(config.trustedProxies()).build();
      HttpServer http = HttpServer.start(new InetSocketAddress(config.host(), config.port()), limits, pipeline -> {
        // bodies over the chat's limit get 413; an event stream's connection takes no further request
        RequestGuard guard = new RequestGuard(api.clientErrors());
        pipeline.addLast("chat-guard", guard);
        // gzip for the page, its scripts (the Socket.IO client bundle included) and JSON; not for polling or SSE
        pipeline.addLast("chat-gzip", new PageCompressor());
        io.configure(pipeline);
        pipeline.addLast("chat-aggregator", guard.aggregator(MAX_BODY));
        pipeline.addLast("chat-api", api);
      });
      ChatApp app = new ChatApp(config, db, chat, presence, io, timer, redis, shared, http);
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
    ServerOptions.Builder b = ServerOptions.builder();
    if (redis != null) {
      b.adapter(redis);
    }
    config.connectTimeout().ifPresent(b::connectTimeout);
    b.connectionStateRecovery(RECOVERY);
    b.engine(ServerOptions.DEFAULT.engine().toBuilder()
        .allowRequest(request -> origins.allows(request.header("origin"), request.header("host")))
        .build());
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
            .orElse("; single node");
  }

  /** A Redis URI without its password. */
  static String redactedUri(String uri) {
    return uri.replaceAll("//[^@/]*@", "//***@");
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

  /** The URL to open in a browser. */
  public String url() {
    String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
    return "http://" + host + ":" + port() + "/";
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

  /** Stops the HTTP and Socket.IO servers (telling the cluster this node leaves), then closes the database. */
  @Override
  public void close() {
    try {
      MetricsEndpoint m = metrics;
      if (m != null) {
        m.close();
      }
      presence.stop();
      http.close();
      io.close();
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
