package io.switchboard.spring;

import io.switchboard.server.HandlerDispatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code switchboard.*} properties of the auto-configured server. A property left unset keeps the server's own
 * default (see {@code ServerOptions}, {@code EngineOptions}, {@code HttpServerOptions}); each property below names it.
 *
 * <pre>
 * switchboard.port=3001
 * switchboard.cors.allowed-origins=https://app.example
 * switchboard.ping-interval=25s
 * switchboard.recovery.enabled=true
 * switchboard.redis.adapter=streams          # none (default), pubsub or streams; spring.data.redis.* says where
 * switchboard.ssl.bundle=web                 # a Boot SSL bundle (spring.ssl.bundle.*)
 * </pre>
 *
 * <p>Durations take Boot's units ({@code 500ms}, {@code 25s}, {@code 2m}; a bare number is milliseconds), sizes take
 * {@code B}, {@code KB}, {@code MB} (a bare number is bytes). Boot binds the properties once, at startup; changing
 * them on a running server has no effect.
 */
@ConfigurationProperties("switchboard")
public class SwitchboardProperties {
  /** Whether the Socket.IO server is auto-configured and started; default true. */
  private boolean enabled = true;
  /** The address (host name or IP) to listen on; unset: all interfaces. */
  private String host;
  /** The port of the Socket.IO server (its own port, apart from server.port); default 3000, 0 picks a free one. */
  private int port = 3000;
  /** The path Socket.IO answers on, as the client's "path" option; default /socket.io/. */
  private String path = "/socket.io/";
  /** How often the server pings each client; unset: 25s. */
  private Duration pingInterval;
  /** How long the server waits for a client's pong before it closes the connection; unset: 20s. */
  private Duration pingTimeout;
  /**
   * The largest message or polling request body a client may send (a bare number is bytes); unset: 1000000 bytes.
   * The per-client send buffer and the server-wide input budget grow to at least this size.
   */
  private DataSize maxHttpBufferSize;
  /** How long a connection may stay without joining any namespace before it is closed; unset: 10s. */
  private Duration connectTimeout;
  /** Whether the client bundle (PATH/socket.io.js and its variants) is served; unset: true. */
  private Boolean serveClient;
  /**
   * How long a graceful shutdown lets connected clients finish; unset: 3/4 of
   * spring.lifecycle.timeout-per-shutdown-phase (30s by default) when server.shutdown is graceful (Boot's default),
   * else 0 (immediate close).
   */
  private Duration shutdownGrace;
  /**
   * Where Socket.IO handlers run: executor (the default here: on the handler executor, in each client's order, as
   * annotated Spring handlers commonly block on JDBC, JPA or remote calls), adaptive (the library's default: on the
   * I/O thread until an event is declared or seen blocking, then on the executor), or event-loop (always on the I/O
   * thread: handlers must never block).
   */
  private HandlerDispatch handlerDispatch = HandlerDispatch.EXECUTOR;
  /**
   * With handler-dispatch adaptive, how long a handler may run on an I/O thread before the run counts as blocking
   * (three in a row move the event's clients to the executor, with a WARN); unset: 20ms.
   */
  private Duration blockingThreshold;
  private final Cors cors = new Cors();
  private final Http http = new Http();
  private final Recovery recovery = new Recovery();
  private final Redis redis = new Redis();
  private final Ssl ssl = new Ssl();

  /** {@return whether the server is auto-configured and started ({@code switchboard.enabled}); default true} */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@code switchboard.enabled}.
   *
   * @param enabled false to have no Socket.IO server auto-configured
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@return the address to listen on ({@code switchboard.host}), or {@code null} (the default) for all interfaces} */
  public String getHost() {
    return host;
  }

  /**
   * Sets {@code switchboard.host}.
   *
   * @param host a host name or IP address; {@code null} or blank for all interfaces
   */
  public void setHost(String host) {
    this.host = host;
  }

  /** {@return the port to listen on ({@code switchboard.port}); default 3000, 0 picks a free one} */
  public int getPort() {
    return port;
  }

  /**
   * Sets {@code switchboard.port}.
   *
   * @param port the port, apart from Boot's {@code server.port}; 0 picks a free one (see
   *     {@link SwitchboardStartedEvent#port()})
   */
  public void setPort(int port) {
    this.port = port;
  }

  /** {@return the path Socket.IO answers on ({@code switchboard.path}); default {@code /socket.io/}} */
  public String getPath() {
    return path;
  }

  /**
   * Sets {@code switchboard.path}.
   *
   * @param path the path, which the clients give as their {@code path} option
   */
  public void setPath(String path) {
    this.path = path;
  }

  /** {@return how often each client is pinged ({@code switchboard.ping-interval}), or {@code null} for 25 s} */
  public Duration getPingInterval() {
    return pingInterval;
  }

  /**
   * Sets {@code switchboard.ping-interval}.
   *
   * @param pingInterval the interval; {@code null} keeps the server's 25 s
   */
  public void setPingInterval(Duration pingInterval) {
    this.pingInterval = pingInterval;
  }

  /**
   * {@return how long a client may take to answer a ping before it is closed ({@code switchboard.ping-timeout}), or
   * {@code null} for 20 s}
   */
  public Duration getPingTimeout() {
    return pingTimeout;
  }

  /**
   * Sets {@code switchboard.ping-timeout}.
   *
   * @param pingTimeout the timeout; {@code null} keeps the server's 20 s
   */
  public void setPingTimeout(Duration pingTimeout) {
    this.pingTimeout = pingTimeout;
  }

  /**
   * {@return the largest message or polling body a client may send ({@code switchboard.max-http-buffer-size}), or
   * {@code null} for 1,000,000 bytes}
   */
  public DataSize getMaxHttpBufferSize() {
    return maxHttpBufferSize;
  }

  /**
   * Sets {@code switchboard.max-http-buffer-size}.
   *
   * @param maxHttpBufferSize the size, at most 2 GiB - 1; {@code null} keeps the server's 1,000,000 bytes
   */
  public void setMaxHttpBufferSize(DataSize maxHttpBufferSize) {
    this.maxHttpBufferSize = maxHttpBufferSize;
  }

  /**
   * {@return how long a connection may stay without joining a namespace ({@code switchboard.connect-timeout}), or
   * {@code null} for 10 s}
   */
  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  /**
   * Sets {@code switchboard.connect-timeout}.
   *
   * @param connectTimeout the timeout; {@code null} keeps the server's 10 s
   */
  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * {@return whether the client bundle {@code socket.io.js} is served ({@code switchboard.serve-client}), or
   * {@code null} for yes}
   */
  public Boolean getServeClient() {
    return serveClient;
  }

  /**
   * Sets {@code switchboard.serve-client}.
   *
   * @param serveClient whether {@code socket.io.js} is served; {@code null} keeps the server's true
   */
  public void setServeClient(Boolean serveClient) {
    this.serveClient = serveClient;
  }

  /**
   * {@return how long a graceful shutdown lets clients finish ({@code switchboard.shutdown-grace}), or {@code null} to
   * derive it from Boot's shutdown settings (see {@link SwitchboardLifecycle#grace()})}
   */
  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  /**
   * Sets {@code switchboard.shutdown-grace}.
   *
   * @param shutdownGrace the grace period, zero for an immediate close; {@code null} for 3/4 of {@code
   *     spring.lifecycle.timeout-per-shutdown-phase} (0 when {@code server.shutdown=immediate})
   */
  public void setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = shutdownGrace;
  }

  /**
   * {@return where Socket.IO handlers run ({@code switchboard.handler-dispatch}); default {@link
   * HandlerDispatch#EXECUTOR}, because annotated Spring handlers commonly block}
   */
  public HandlerDispatch getHandlerDispatch() {
    return handlerDispatch;
  }

  /**
   * Sets {@code switchboard.handler-dispatch}.
   *
   * @param handlerDispatch executor, adaptive or event-loop; {@code null} keeps executor
   */
  public void setHandlerDispatch(HandlerDispatch handlerDispatch) {
    this.handlerDispatch = handlerDispatch == null ? HandlerDispatch.EXECUTOR : handlerDispatch;
  }

  /**
   * {@return how long a handler may run on an I/O thread before the run counts as blocking ({@code
   * switchboard.blocking-threshold}), or {@code null} for 20 ms}
   */
  public Duration getBlockingThreshold() {
    return blockingThreshold;
  }

  /**
   * Sets {@code switchboard.blocking-threshold}.
   *
   * @param blockingThreshold the threshold, positive; {@code null} keeps the server's 20 ms
   */
  public void setBlockingThreshold(Duration blockingThreshold) {
    this.blockingThreshold = blockingThreshold;
  }

  /** {@return the {@code switchboard.cors.*} properties: which pages may connect} */
  public Cors getCors() {
    return cors;
  }

  /** {@return the {@code switchboard.http.*} properties: the limits of the HTTP server} */
  public Http getHttp() {
    return http;
  }

  /** {@return the {@code switchboard.recovery.*} properties: connection state recovery} */
  public Recovery getRecovery() {
    return recovery;
  }

  /** {@return the {@code switchboard.redis.*} properties: the adapter that links several servers} */
  public Redis getRedis() {
    return redis;
  }

  /** {@return the {@code switchboard.ssl.*} properties: TLS of the Socket.IO port} */
  public Ssl getSsl() {
    return ssl;
  }

  /**
   * The {@code switchboard.cors.*} properties: which pages may connect.
   *
   * <pre>
   * switchboard.cors.allowed-origins=https://app.example,https://admin.example
   * switchboard.cors.allow-credentials=true
   * </pre>
   */
  public static class Cors {
    /**
     * The page origins allowed (exact Origin header values such as https://app.example); a polling request or
     * WebSocket upgrade from another origin gets 403. Default empty: every origin, without CORS headers.
     */
    private List<String> allowedOrigins = new ArrayList<>();
    /** Whether the allowed origins may send credentials (cookies) cross-origin; default false. */
    private boolean allowCredentials;
    /** Whether requests without an Origin header (not from a browser page) are allowed; unset: true. */
    private Boolean allowMissingOrigin;

    /** {@return the allowed page origins ({@code switchboard.cors.allowed-origins}); empty (the default): every one} */
    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    /**
     * Sets {@code switchboard.cors.allowed-origins}.
     *
     * @param allowedOrigins exact {@code Origin} values such as {@code https://app.example}; empty for every origin
     */
    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    /**
     * {@return whether the allowed origins may send cookies ({@code switchboard.cors.allow-credentials}); default
     * false}
     */
    public boolean isAllowCredentials() {
      return allowCredentials;
    }

    /**
     * Sets {@code switchboard.cors.allow-credentials}; it has effect only with {@code allowed-origins} set.
     *
     * @param allowCredentials whether the CORS answers allow credentials
     */
    public void setAllowCredentials(boolean allowCredentials) {
      this.allowCredentials = allowCredentials;
    }

    /**
     * {@return whether requests without an {@code Origin} header are allowed ({@code
     * switchboard.cors.allow-missing-origin}), or {@code null} for yes}
     */
    public Boolean getAllowMissingOrigin() {
      return allowMissingOrigin;
    }

    /**
     * Sets {@code switchboard.cors.allow-missing-origin}.
     *
     * @param allowMissingOrigin false to refuse (403) clients that are not browser pages; {@code null} keeps true
     */
    public void setAllowMissingOrigin(Boolean allowMissingOrigin) {
      this.allowMissingOrigin = allowMissingOrigin;
    }
  }

  /**
   * The {@code switchboard.http.*} properties: the limits of the HTTP server the Socket.IO server listens with.
   *
   * <pre>
   * switchboard.http.max-connections=50000
   * switchboard.http.trusted-proxies=10.0.0.0/8
   * </pre>
   */
  public static class Http {
    /** The most open connections of the whole server, beyond which a new one is closed; unset: 10000, 0 = no limit. */
    private Integer maxConnections;
    /** The most open connections from one client address; unset: 1000, 0 = no limit. */
    private Integer maxConnectionsPerIp;
    /** Addresses or CIDR blocks of the proxies whose X-Forwarded-For is believed; unset: none. */
    private List<String> trustedProxies;
    /** How long a connection may stay open with no request under way; unset: 10s, 0 = no limit. */
    private Duration idleTimeout;

    /**
     * {@return the most open connections of the server ({@code switchboard.http.max-connections}), or {@code null}
     * for 10,000}
     */
    public Integer getMaxConnections() {
      return maxConnections;
    }

    /**
     * Sets {@code switchboard.http.max-connections}.
     *
     * @param maxConnections the limit, 0 for none; {@code null} keeps the server's 10,000
     */
    public void setMaxConnections(Integer maxConnections) {
      this.maxConnections = maxConnections;
    }

    /**
     * {@return the most open connections from one address ({@code switchboard.http.max-connections-per-ip}), or
     * {@code null} for 1,000}
     */
    public Integer getMaxConnectionsPerIp() {
      return maxConnectionsPerIp;
    }

    /**
     * Sets {@code switchboard.http.max-connections-per-ip}.
     *
     * @param maxConnectionsPerIp the limit, 0 for none; {@code null} keeps the server's 1,000
     */
    public void setMaxConnectionsPerIp(Integer maxConnectionsPerIp) {
      this.maxConnectionsPerIp = maxConnectionsPerIp;
    }

    /**
     * {@return the proxies whose {@code X-Forwarded-For} is believed ({@code switchboard.http.trusted-proxies}), or
     * {@code null} for none}
     */
    public List<String> getTrustedProxies() {
      return trustedProxies;
    }

    /**
     * Sets {@code switchboard.http.trusted-proxies}.
     *
     * @param trustedProxies addresses or CIDR blocks ({@code 10.0.0.0/8}); {@code null} for none
     */
    public void setTrustedProxies(List<String> trustedProxies) {
      this.trustedProxies = trustedProxies;
    }

    /**
     * {@return how long a connection may stay idle ({@code switchboard.http.idle-timeout}), or {@code null} for 10 s}
     */
    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    /**
     * Sets {@code switchboard.http.idle-timeout}.
     *
     * @param idleTimeout the timeout, zero for none; {@code null} keeps the server's 10 s
     */
    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }
  }

  /**
   * The {@code switchboard.recovery.*} properties, connection state recovery: a client that comes back soon gets its
   * id, rooms and missed packets.
   *
   * <pre>
   * switchboard.recovery.enabled=true
   * switchboard.recovery.max-disconnection-duration=2m
   * </pre>
   */
  public static class Recovery {
    /** Whether connection state recovery is on; default false. */
    private boolean enabled;
    /** How long after a disconnection a client may still recover its session and missed packets; default 2m. */
    private Duration maxDisconnectionDuration = Duration.ofMinutes(2);
    /** Whether a recovered client skips the namespace's connect middlewares; default true. */
    private boolean skipMiddlewares = true;

    /** {@return whether connection state recovery is on ({@code switchboard.recovery.enabled}); default false} */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code switchboard.recovery.enabled}.
     *
     * @param enabled whether sessions and missed packets are kept for clients that come back
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * {@return how long after a disconnection a client may still recover ({@code
     * switchboard.recovery.max-disconnection-duration}); default 2 minutes}
     */
    public Duration getMaxDisconnectionDuration() {
      return maxDisconnectionDuration;
    }

    /**
     * Sets {@code switchboard.recovery.max-disconnection-duration}.
     *
     * @param maxDisconnectionDuration the window, positive; the missed packets are held in memory that long
     */
    public void setMaxDisconnectionDuration(Duration maxDisconnectionDuration) {
      this.maxDisconnectionDuration = maxDisconnectionDuration;
    }

    /**
     * {@return whether a recovered client skips the connect middlewares ({@code
     * switchboard.recovery.skip-middlewares}); default true}
     */
    public boolean isSkipMiddlewares() {
      return skipMiddlewares;
    }

    /**
     * Sets {@code switchboard.recovery.skip-middlewares}.
     *
     * @param skipMiddlewares false to run the middlewares (authentication, say) again on a recovery
     */
    public void setSkipMiddlewares(boolean skipMiddlewares) {
      this.skipMiddlewares = skipMiddlewares;
    }
  }

  /**
   * The {@code switchboard.redis.*} properties: the Redis adapter that links several servers (it needs
   * switchboard-redis on the class path).
   *
   * <pre>
   * switchboard.redis.adapter=pubsub
   * switchboard.redis.url=redis://redis.internal:6379
   * </pre>
   */
  public static class Redis {
    /**
     * Which adapter links the servers: none (in memory, one server; the default), pubsub (Redis pub/sub, as the
     * reference's redis adapter) or streams (a Redis stream, as its redis-streams adapter).
     */
    private Adapter adapter = Adapter.NONE;
    /**
     * The Redis URI (redis://host:port, rediss:// for TLS); unset: built from spring.data.redis.* (url, or host,
     * port, username, password, database, ssl.enabled).
     */
    private String url;
    /** The key prefix of the pub/sub channels (the reference's "key"); unset: socket.io. */
    private String key;
    /** The name of the stream of the streams adapter; unset: socket.io. */
    private String streamName;

    /** {@return which adapter links the servers ({@code switchboard.redis.adapter}); default {@link Adapter#NONE}} */
    public Adapter getAdapter() {
      return adapter;
    }

    /**
     * Sets {@code switchboard.redis.adapter}.
     *
     * @param adapter the adapter kind
     */
    public void setAdapter(Adapter adapter) {
      this.adapter = adapter;
    }

    /**
     * {@return the Redis URI ({@code switchboard.redis.url}), or {@code null} to take Boot's {@code
     * spring.data.redis.*}}
     */
    public String getUrl() {
      return url;
    }

    /**
     * Sets {@code switchboard.redis.url}.
     *
     * @param url a Lettuce URI such as {@code redis://user:secret@host:6379/0}; {@code null} or blank for Boot's
     *     {@code spring.data.redis.*}
     */
    public void setUrl(String url) {
      this.url = url;
    }

    /**
     * {@return the channel prefix of the pub/sub adapter ({@code switchboard.redis.key}), or {@code null} for {@code
     * socket.io}}
     */
    public String getKey() {
      return key;
    }

    /**
     * Sets {@code switchboard.redis.key}; every server of one cluster must use the same.
     *
     * @param key the channel prefix; {@code null} keeps {@code socket.io}
     */
    public void setKey(String key) {
      this.key = key;
    }

    /**
     * {@return the stream name of the streams adapter ({@code switchboard.redis.stream-name}), or {@code null} for
     * {@code socket.io}}
     */
    public String getStreamName() {
      return streamName;
    }

    /**
     * Sets {@code switchboard.redis.stream-name}; every server of one cluster must use the same.
     *
     * @param streamName the stream's key; {@code null} keeps {@code socket.io}
     */
    public void setStreamName(String streamName) {
      this.streamName = streamName;
    }

    /** The values of {@code switchboard.redis.adapter}. */
    public enum Adapter {
      /** No adapter: broadcasts reach the clients of this server only. */
      NONE,
      /** Redis pub/sub ({@code RedisAdapterFactory}), as the reference's redis adapter. */
      PUBSUB,
      /**
       * A Redis stream ({@code RedisStreamsAdapterFactory}), as the reference's redis-streams adapter; it keeps the
       * packets for connection state recovery across servers.
       */
      STREAMS
    }
  }

  /**
   * The {@code switchboard.ssl.*} properties: TLS of the Socket.IO port.
   *
   * <pre>
   * spring.ssl.bundle.pem.web.keystore.certificate=classpath:cert.pem
   * spring.ssl.bundle.pem.web.keystore.private-key=classpath:key.pem
   * switchboard.ssl.bundle=web
   * </pre>
   */
  public static class Ssl {
    /** The name of a Boot SSL bundle (spring.ssl.bundle.jks.NAME or .pem.NAME); unset: plain HTTP. */
    private String bundle;

    /** {@return the Boot SSL bundle the port uses ({@code switchboard.ssl.bundle}), or {@code null} for plain HTTP} */
    public String getBundle() {
      return bundle;
    }

    /**
     * Sets {@code switchboard.ssl.bundle}; startup fails if the bundle does not exist.
     *
     * @param bundle the name of a {@code spring.ssl.bundle.jks.*} or {@code spring.ssl.bundle.pem.*} bundle
     */
    public void setBundle(String bundle) {
      this.bundle = bundle;
    }
  }
}
