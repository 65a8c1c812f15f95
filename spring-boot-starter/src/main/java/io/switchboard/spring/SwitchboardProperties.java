package io.switchboard.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code switchboard.*} properties of the auto-configured server. A property left unset keeps the server's own
 * default (see {@code ServerOptions}, {@code EngineOptions}, {@code HttpServerOptions}).
 *
 * <pre>
 * switchboard.port=3001
 * switchboard.cors.allowed-origins=https://app.example
 * switchboard.ping-interval=25s
 * switchboard.recovery.enabled=true
 * switchboard.redis.adapter=streams          # none (default), pubsub or streams; spring.data.redis.* says where
 * switchboard.ssl.bundle=web                 # a Boot SSL bundle (spring.ssl.bundle.*)
 * </pre>
 */
@ConfigurationProperties("switchboard")
public class SwitchboardProperties {
  /** Whether the Socket.IO server is auto-configured and started. */
  private boolean enabled = true;
  /** The address to listen on; all interfaces when unset. */
  private String host;
  /** The port of the Socket.IO server (its own port, apart from server.port); 0 picks a free one. */
  private int port = 3000;
  /** The path Socket.IO answers on. */
  private String path = "/socket.io/";
  /** How often the server pings each client. */
  private Duration pingInterval;
  /** How long a client may take to answer a ping. */
  private Duration pingTimeout;
  /** The largest message or polling request body a client may send. */
  private DataSize maxHttpBufferSize;
  /** How long a connection may stay without joining any namespace. */
  private Duration connectTimeout;
  /** Whether /socket.io/socket.io.js (the client bundle) is served. */
  private Boolean serveClient;
  /** How long a graceful shutdown may take; unset: 3/4 of spring.lifecycle.timeout-per-shutdown-phase when server.shutdown is graceful (Boot's default), else 0. */
  private Duration shutdownGrace;
  private final Cors cors = new Cors();
  private final Http http = new Http();
  private final Recovery recovery = new Recovery();
  private final Redis redis = new Redis();
  private final Ssl ssl = new Ssl();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public int getPort() {
    return port;
  }

  public void setPort(int port) {
    this.port = port;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String path) {
    this.path = path;
  }

  public Duration getPingInterval() {
    return pingInterval;
  }

  public void setPingInterval(Duration pingInterval) {
    this.pingInterval = pingInterval;
  }

  public Duration getPingTimeout() {
    return pingTimeout;
  }

  public void setPingTimeout(Duration pingTimeout) {
    this.pingTimeout = pingTimeout;
  }

  public DataSize getMaxHttpBufferSize() {
    return maxHttpBufferSize;
  }

  public void setMaxHttpBufferSize(DataSize maxHttpBufferSize) {
    this.maxHttpBufferSize = maxHttpBufferSize;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Boolean getServeClient() {
    return serveClient;
  }

  public void setServeClient(Boolean serveClient) {
    this.serveClient = serveClient;
  }

  public Duration getShutdownGrace() {
    return shutdownGrace;
  }

  public void setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = shutdownGrace;
  }

  public Cors getCors() {
    return cors;
  }

  public Http getHttp() {
    return http;
  }

  public Recovery getRecovery() {
    return recovery;
  }

  public Redis getRedis() {
    return redis;
  }

  public Ssl getSsl() {
    return ssl;
  }

  /** Which pages may connect. */
  public static class Cors {
    /** The page origins allowed (exact Origin values); empty: every origin, without CORS headers. */
    private List<String> allowedOrigins = new ArrayList<>();
    /** Whether credentials (cookies) may be sent cross-origin by the allowed origins. */
    private boolean allowCredentials;
    /** Whether requests without an Origin header (not from a browser) are allowed. */
    private Boolean allowMissingOrigin;

    public List<String> getAllowedOrigins() {
      return allowedOrigins;
    }

    public void setAllowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
    }

    public boolean isAllowCredentials() {
      return allowCredentials;
    }

    public void setAllowCredentials(boolean allowCredentials) {
      this.allowCredentials = allowCredentials;
    }

    public Boolean getAllowMissingOrigin() {
      return allowMissingOrigin;
    }

    public void setAllowMissingOrigin(Boolean allowMissingOrigin) {
      this.allowMissingOrigin = allowMissingOrigin;
    }
  }

  /** The limits of the HTTP server the Socket.IO server listens with. */
  public static class Http {
    /** The most connections at once. */
    private Integer maxConnections;
    /** The most connections at once from one address. */
    private Integer maxConnectionsPerIp;
    /** Addresses (or CIDR ranges) of proxies whose X-Forwarded-For is believed. */
    private List<String> trustedProxies;
    /** How long a connection may stay idle. */
    private Duration idleTimeout;

    public Integer getMaxConnections() {
      return maxConnections;
    }

    public void setMaxConnections(Integer maxConnections) {
      this.maxConnections = maxConnections;
    }

    public Integer getMaxConnectionsPerIp() {
      return maxConnectionsPerIp;
    }

    public void setMaxConnectionsPerIp(Integer maxConnectionsPerIp) {
      this.maxConnectionsPerIp = maxConnectionsPerIp;
    }

    public List<String> getTrustedProxies() {
      return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
      this.trustedProxies = trustedProxies;
    }

    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }
  }

  /** Connection state recovery: a client that comes back soon gets its id, rooms and missed packets. */
  public static class Recovery {
    /** Whether connection state recovery is on. */
    private boolean enabled;
    /** How long after a disconnection a client may still recover. */
    private Duration maxDisconnectionDuration = Duration.ofMinutes(2);
    /** Whether a recovered client skips the connect middlewares. */
    private boolean skipMiddlewares = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public Duration getMaxDisconnectionDuration() {
      return maxDisconnectionDuration;
    }

    public void setMaxDisconnectionDuration(Duration maxDisconnectionDuration) {
      this.maxDisconnectionDuration = maxDisconnectionDuration;
    }

    public boolean isSkipMiddlewares() {
      return skipMiddlewares;
    }

    public void setSkipMiddlewares(boolean skipMiddlewares) {
      this.skipMiddlewares = skipMiddlewares;
    }
  }

  /** The Redis adapter that links several servers (needs switchboard-redis on the class path). */
  public static class Redis {
    /** none (in-memory, one server), pubsub (the reference's redis adapter) or streams (its redis-streams adapter). */
    private Adapter adapter = Adapter.NONE;
    /** The Redis URI; unset: from spring.data.redis.* (url, or host, port, username, password, database, ssl). */
    private String url;
    /** The key prefix of the pub/sub channels (the reference's "key"); unset: the adapter's default. */
    private String key;
    /** The stream name of the streams adapter; unset: the adapter's default. */
    private String streamName;

    public Adapter getAdapter() {
      return adapter;
    }

    public void setAdapter(Adapter adapter) {
      this.adapter = adapter;
    }

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getKey() {
      return key;
    }

    public void setKey(String key) {
      this.key = key;
    }

    public String getStreamName() {
      return streamName;
    }

    public void setStreamName(String streamName) {
      this.streamName = streamName;
    }

    /** The adapter kinds. */
    public enum Adapter {
      NONE, PUBSUB, STREAMS
    }
  }

  /** TLS of the Socket.IO port. */
  public static class Ssl {
    /** The name of a Boot SSL bundle (spring.ssl.bundle.jks.NAME or .pem.NAME); unset: plain HTTP. */
    private String bundle;

    public String getBundle() {
      return bundle;
    }

    public void setBundle(String bundle) {
      this.bundle = bundle;
    }
  }
}
