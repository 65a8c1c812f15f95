package io.switchboard.chat;

import io.netty.handler.codec.http.HttpObjectAggregator;
import io.switchboard.engine.HttpServer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;

/**
 * The running chat application: database, services and the HTTP server, wired from a {@link ChatConfig}.
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

  private final ChatConfig config;
  private final Database db;
  private final ChatService chat;
  private final HttpServer http;

  private ChatApp(ChatConfig config, Database db, ChatService chat, HttpServer http) {
    this.config = config;
    this.db = db;
    this.chat = chat;
    this.http = http;
  }

  /**
   * Opens the database (migrating it), and starts listening.
   *
   * @throws IllegalStateException if {@code --redis} is set: the Redis adapter is not available yet
   */
  public static ChatApp start(ChatConfig config) {
    if (config.redisUrl().isPresent()) {
      throw new IllegalStateException("Redis adapter not available yet: cannot join a cluster at "
          + config.redisUrl().get() + "; start without --redis to run a single node");
    }
    String secret = SigningSecret.resolve(config);
    String url = config.databaseUrl().orElseGet(() -> Database.embeddedUrl(config.dataDir()));
    Database db = Database.open(url, Optional.empty());
    try {
      Clock clock = Clock.systemUTC();
      TokenService tokens = new TokenService(secret, config.tokenLifetime(), clock);
      ChatService chat = new ChatService(db, new PasswordHasher(BCRYPT_COST), tokens, new NotificationBus(), clock);
      HttpApi api = new HttpApi(chat, new OriginPolicy(config.allowedOrigins()), new StaticFiles("web"),
          config.sseHeartbeat());
      HttpServer http = HttpServer.start(new InetSocketAddress(config.host(), config.port()), pipeline -> {
        pipeline.addLast("chat-aggregator", new HttpObjectAggregator(64 * 1024));
        pipeline.addLast("chat-api", api);
      });
      return new ChatApp(config, db, chat, http);
    } catch (RuntimeException e) {
      db.close();
      throw e;
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

  /** Stops the server, then closes the database. */
  @Override
  public void close() {
    try {
      http.close();
    } finally {
      db.close();
    }
  }
}
