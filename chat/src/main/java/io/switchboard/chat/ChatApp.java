package io.switchboard.chat;

import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.redis.RedisStreamsAdapterFactory;
import io.switchboard.redis.RedisStreamsAdapterOptions;
import io.switchboard.server.ConnectError;
import io.switchboard.server.ConnectionStateRecovery;
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
  /** bcrypt cost of stored passwords. */
  static final int BCRYPT_COST = 10;
  /** The largest request body the chat's HTTP routes read (sign-in JSON); bigger ones get 413. */
  static final int MAX_BODY = 64 * 1024;
  /**
   * Recovery in a cluster on the streams adapter: a client whose connection (or node) went away for up to two
   * minutes comes back with its rooms and every message it missed; the token check runs again on recovery.
   */
  static final ConnectionStateRecovery CLUSTER_RECOVERY = new ConnectionStateRecovery(Duration.ofMinutes(2), false);

  private final ChatConfig config;
  private final Database db;
  private final ChatService chat;
  private final Server io;
  private final ScheduledExecutorService timer;
  private final AutoCloseable redis;
  private final HttpServer http;

  private ChatApp(ChatConfig config, Database db, ChatService chat, Server io, ScheduledExecutorService timer,
      AutoCloseable redis, HttpServer http) {
    this.config = config;
    this.db = db;
    this.chat = chat;
    this.io = io;
    this.timer = timer;
    this.redis = redis;
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
    AutoCloseable redis = null;
    ServerOptions.Builder options = ServerOptions.builder();
    try {
      if (config.redisUrl().isPresent() && config.redisPubSub()) {
        RedisAdapterFactory pubsub = RedisAdapterFactory.create(config.redisUrl().get(),
            RedisAdapterOptions.builder().key(config.redisKey()).build());
        options.adapter(pubsub);
        redis = pubsub;
      } else if (config.redisUrl().isPresent()) {
        String key = config.redisKey();
        RedisStreamsAdapterFactory streams = RedisStreamsAdapterFactory.create(config.redisUrl().get(),
            RedisStreamsAdapterOptions.builder().streamName(key).channelPrefix(key)
                .sessionKeyPrefix(key + ":session:").build());
        options.adapter(streams).connectionStateRecovery(CLUSTER_RECOVERY);
        redis = streams;
      }
    } catch (RuntimeException e) {
      timer.shutdownNow();
      db.close();
      throw new IllegalStateException("cannot connect to Redis at " + config.redisUrl().get() + ": " + e.getMessage(), e);
    }
    OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
    Server io = new Server(socketOptions(config, options, origins));
    Clock clock = Clock.systemUTC();
    TokenService tokens = new TokenService(secret, config.tokenLifetime(), clock);
    if (io.options().connectionStateRecovery() != null) {
      io.sockets().use((socket, next) -> {
        // a session comes back only to the user it belongs to (the token check follows)
        Object token = socket.handshake().auth().get("token");
        Optional<TokenService.Claims> claims = tokens.verify(token instanceof String t ? t : null);
        if (socket.recovered() && (claims.isEmpty() || !claims.get().username().equals(usernameOf(socket.data())))) {
          next.fail(new ConnectError("Authentication failed"));
          return;
        }
        next.proceed();
      });
    }
    try {
      ChatService chat = new ChatService(db, new PasswordHasher(BCRYPT_COST), tokens, new NotificationBus(), clock);
      HttpApi api = new HttpApi(chat, origins, new StaticFiles("web"),
          EventStreams.of(config));
      new ChatSockets(chat, io.sockets(), timer, clock, config.timing()).install();
      // the library's HTTP limits (connections per address, idle and request timeouts, strict parsing), with the
      // deployment's reverse proxies believed about the client's address
      HttpServerOptions limits = HttpServerOptions.builder().trustedProxies(config.trustedProxies()).build();
      HttpServer http = HttpServer.start(new InetSocketAddress(config.host(), config.port()), limits, pipeline -> {
        // bodies over the chat's limit get 413; an event stream's connection takes no further request
        RequestGuard guard = new RequestGuard();
        pipeline.addLast("chat-guard", guard);
        // gzip for the page, its scripts (the Socket.IO client bundle included) and JSON; not for polling or SSE
        pipeline.addLast("chat-gzip", new PageCompressor());
        io.configure(pipeline);
        pipeline.addLast("chat-aggregator", guard.aggregator(MAX_BODY));
        pipeline.addLast("chat-api", api);
      });
      return new ChatApp(config, db, chat, io, timer, redis, http);
    } catch (RuntimeException e) {
      io.close();
      closeQuietly(redis);
      timer.shutdownNow();
      db.close();
      throw e;
    }
  }

  /**
   * The Socket.IO options of this configuration, on top of {@code b} (the cluster adapter and recovery): the connect timeout when one is
   * configured (else the library's default), and the page's own origin rule for handshakes and upgrades (the same as
   * the REST routes': an {@code Origin} that names the host the request was sent to, or a configured extra origin;
   * any other is refused with 403 {@code {"code":4,"message":"Forbidden"}}).
   */
  static ServerOptions socketOptions(ChatConfig config, ServerOptions.Builder b, OriginPolicy origins) {
    config.connectTimeout().ifPresent(b::connectTimeout);
    b.engine(ServerOptions.DEFAULT.engine().toBuilder()
        .allowRequest(request -> origins.allows(request.header("origin"), request.header("host")))
        .build());
    return b.build();
  }

  private static String usernameOf(Object data) {
    if (data instanceof Map<?, ?> m && m.get("username") instanceof String s) {
      return s;
    }
    return data instanceof JsonNode n && n.path("username").isTextual() ? n.get("username").asText() : null;
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the Redis adapter failed", e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return http.port();
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

  /** Stops the HTTP and Socket.IO servers, then closes the database. */
  @Override
  public void close() {
    try {
      http.close();
      io.close();
      closeQuietly(redis);
    } finally {
      timer.shutdownNow();
      db.close();
    }
  }
}
