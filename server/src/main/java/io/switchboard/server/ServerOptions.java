package io.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.engine.TlsOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The immutable configuration of a Socket.IO {@link Server}, with the reference server's defaults except where a
 * tighter bound protects the server from clients that never finish what they start ({@link #connectTimeout()},
 * {@link #attachmentTimeout()}, {@link #preConnectInputLimit()}).
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder()
 *     .engine(EngineOptions.builder().pingInterval(Duration.ofSeconds(10)).build())
 *     .connectTimeout(Duration.ofSeconds(5))
 *     .attachmentTimeout(Duration.ofSeconds(5))
 *     .preConnectInputLimit(16 * 1024)
 *     .connectionStateRecovery(ConnectionStateRecovery.DEFAULT)
 *     .handlerExecutor(Executors.newFixedThreadPool(16))
 *     .handlerDispatch(HandlerDispatch.ADAPTIVE)       // handlers on the I/O thread until they block
 *     .tls(TlsOptions.pem(Path.of("fullchain.pem"), Path.of("privkey.pem")))   // https:// and wss://
 *     .build();
 * }</pre>
 */
public final class ServerOptions {
  /** The defaults. */
  public static final ServerOptions DEFAULT = builder().build();

  private final String path;
  private final EngineOptions engine;
  private final HttpServerOptions http;
  private final Duration connectTimeout;
  private final Duration attachmentTimeout;
  private final long preConnectInputLimit;
  private final AdapterFactory adapter;
  private final ConnectionStateRecovery connectionStateRecovery;
  private final boolean cleanupEmptyChildNamespaces;
  private final Executor handlerExecutor;
  private final HandlerDispatch handlerDispatch;
  private final Duration blockingThreshold;
  private final int maxAttachments;
  private final int maxJsonDepth;
  private final ObjectMapper objectMapper;
  private final boolean serveClient;

  private ServerOptions(Builder b) {
    String p = Objects.requireNonNull(b.path, "path");
    if (b.preConnectInputLimit <= 0) {
      throw new IllegalArgumentException("preConnectInputLimit must be positive: " + b.preConnectInputLimit);
    }
    this.preConnectInputLimit = b.preConnectInputLimit;
    this.engine = Objects.requireNonNull(b.engine, "engine").toBuilder()
        .path(p)
        .untrustedInputLimit(preConnectInputLimit)
        .build();
    this.path = engine.path();
    HttpServerOptions h = Objects.requireNonNull(b.http, "http");
    this.http = b.tls == null ? h : h.toBuilder().tls(b.tls).build();
    this.connectTimeout = positive(b.connectTimeout, "connectTimeout");
    this.attachmentTimeout = positive(b.attachmentTimeout, "attachmentTimeout");
    this.adapter = b.adapter;
    this.connectionStateRecovery = b.connectionStateRecovery;
    this.cleanupEmptyChildNamespaces = b.cleanupEmptyChildNamespaces;
    this.handlerExecutor = b.handlerExecutor;
    this.handlerDispatch = Objects.requireNonNull(b.handlerDispatch, "handlerDispatch");
    this.blockingThreshold = positive(b.blockingThreshold, "blockingThreshold");
    if (b.maxAttachments < 0 || b.maxJsonDepth < 1) {
      throw new IllegalArgumentException("maxAttachments must be >= 0 and maxJsonDepth >= 1");
    }
    this.maxAttachments = b.maxAttachments;
    this.maxJsonDepth = b.maxJsonDepth;
    this.objectMapper = b.objectMapper;
    this.serveClient = b.serveClient;
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this configuration.
   *
   * @return this builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the path the server answers on; default {@code /socket.io/}} */
  public String path() {
    return path;
  }

  /**
   * {@return the Engine.IO options, with {@link #path()} as their path and {@link #preConnectInputLimit()} as their
   * {@link EngineOptions#untrustedInputLimit() untrustedInputLimit}}
   */
  public EngineOptions engine() {
    return engine;
  }

  /**
   * {@return the HTTP server's limits when the server listens itself ({@link Server#listen}): connections per server
   * and per client address, connect rate, idle and request timeouts, head sizes, trusted proxies; default {@link
   * HttpServerOptions#DEFAULT}}
   */
  public HttpServerOptions http() {
    return http;
  }

  /**
   * {@return the TLS settings of the server started by {@link Server#listen} ({@code http().tls()}), or {@code null}
   * for plain HTTP (the default)}
   */
  public TlsOptions tls() {
    return http.tls();
  }

  /**
   * {@return how long a connection may stay without joining any namespace before it is closed; default 10 s (the
   * reference server waits 45 s, which lets an idle connection hold its resources four times as long)}
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * {@return how long a binary packet may wait for its last attachment, counted from its text frame; then the
   * connection is closed ("parse error")} Default 10 s; the reference server waits forever. While they wait, a packet's
   * bytes are reserved from the server-wide {@link io.switchboard.engine.InputBudget}.
   */
  public Duration attachmentTimeout() {
    return attachmentTimeout;
  }

  /**
   * {@return the most a client may send (text characters and binary bytes of its messages) before its first namespace
   * CONNECT succeeds; beyond it the connection is closed} Default 64 KiB: a CONNECT with its auth payload fits many
   * times over, while a crowd of connections that never CONNECT cannot fill the heap. Also given to the Engine.IO layer
   * as its {@link EngineOptions#untrustedInputLimit() untrustedInputLimit}.
   */
  public long preConnectInputLimit() {
    return preConnectInputLimit;
  }

  /** {@return what makes the adapter of each namespace, or {@code null} for the in-memory one} */
  public AdapterFactory adapter() {
    return adapter;
  }

  /** {@return the connection state recovery settings, or {@code null} when it is off (the default)} */
  public ConnectionStateRecovery connectionStateRecovery() {
    return connectionStateRecovery;
  }

  /** {@return whether a dynamic namespace is removed when its last socket leaves; default false} */
  public boolean cleanupEmptyChildNamespaces() {
    return cleanupEmptyChildNamespaces;
  }

  /**
   * {@return where middlewares and event handlers that may block run (see {@link #handlerDispatch()}), or {@code
   * null} for the default: virtual threads on a JVM that has them, else a cached pool of daemon threads} Events of one
   * client run one at a time, in order, whatever the executor.
   */
  public Executor handlerExecutor() {
    return handlerExecutor;
  }

  /**
   * {@return where a client's Socket.IO handlers run; default {@link HandlerDispatch#ADAPTIVE}: on the client's I/O
   * thread until it sends an event that is declared or seen blocking, then on the {@link #handlerExecutor()}} Plain
   * WebSocket and SSE handlers always run on the handler executor.
   */
  public HandlerDispatch handlerDispatch() {
    return handlerDispatch;
  }

  /**
   * {@return how long a handler may run on an I/O thread before the run counts as blocking; default 20 ms} With
   * {@link HandlerDispatch#ADAPTIVE}, an event whose handlers run longer three times in a row (runs that do not
   * overlap in time) is taken for blocking: a WARN says to declare it with {@link Namespace#blocking(String...)}, and
   * each client that sends it from then on moves to the handler executor.
   */
  public Duration blockingThreshold() {
    return blockingThreshold;
  }

  /** {@return the most binary attachments a client packet may announce; default 10} */
  public int maxAttachments() {
    return maxAttachments;
  }

  /** {@return the deepest JSON nesting accepted from a client; default 32} */
  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  /** {@return the Jackson mapper for payload binding, or {@code null} for a plain one} */
  public ObjectMapper objectMapper() {
    return objectMapper;
  }

  /** {@return whether {@code <path>socket.io.js} and its variants are served; default true} */
  public boolean serveClient() {
    return serveClient;
  }

  @Override
  public String toString() {
    return "ServerOptions{path=" + path + ", connectTimeout=" + connectTimeout + ", attachmentTimeout="
        + attachmentTimeout + ", preConnectInputLimit=" + preConnectInputLimit + ", adapter=" + adapter
        + ", connectionStateRecovery=" + connectionStateRecovery + ", cleanupEmptyChildNamespaces="
        + cleanupEmptyChildNamespaces + ", handlerDispatch=" + handlerDispatch + ", blockingThreshold="
        + blockingThreshold + ", maxAttachments=" + maxAttachments + ", maxJsonDepth=" + maxJsonDepth
        + ", serveClient=" + serveClient + ", engine=" + engine + "}";
  }

  /** Builds {@link ServerOptions}. */
  public static final class Builder {
    private String path = "/socket.io/";
    private EngineOptions engine = EngineOptions.DEFAULT;
    private HttpServerOptions http = HttpServerOptions.DEFAULT;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration attachmentTimeout = Duration.ofSeconds(10);
    private long preConnectInputLimit = 64 * 1024;
    private AdapterFactory adapter;
    private ConnectionStateRecovery connectionStateRecovery;
    private boolean cleanupEmptyChildNamespaces;
    private Executor handlerExecutor;
    private HandlerDispatch handlerDispatch = HandlerDispatch.ADAPTIVE;
    private Duration blockingThreshold = Duration.ofMillis(20);
    private int maxAttachments = 10;
    private int maxJsonDepth = 32;
    private ObjectMapper objectMapper;
    private boolean serveClient = true;
    private TlsOptions tls;

    private Builder() {}

    private Builder(ServerOptions o) {
      path = o.path;
      engine = o.engine;
      http = o.http;
      connectTimeout = o.connectTimeout;
      attachmentTimeout = o.attachmentTimeout;
      preConnectInputLimit = o.preConnectInputLimit;
      adapter = o.adapter;
      connectionStateRecovery = o.connectionStateRecovery;
      cleanupEmptyChildNamespaces = o.cleanupEmptyChildNamespaces;
      handlerExecutor = o.handlerExecutor;
      handlerDispatch = o.handlerDispatch;
      blockingThreshold = o.blockingThreshold;
      maxAttachments = o.maxAttachments;
      maxJsonDepth = o.maxJsonDepth;
      objectMapper = o.objectMapper;
      serveClient = o.serveClient;
    }

    /**
     * Sets {@link ServerOptions#path()}.
     *
     * @param path the new value (see {@link ServerOptions#path()})
     * @return this builder
     */
    public Builder path(String path) {
      this.path = path;
      return this;
    }

    /**
     * The HTTP server's limits, used by {@link Server#listen}.
     *
     * @param http the new value (see {@link ServerOptions#http()})
     * @return this builder
     */
    public Builder http(HttpServerOptions http) {
      this.http = http;
      return this;
    }

    /**
     * Serves HTTPS and WSS with this certificate ({@link Server#listen}); it takes the place of the TLS settings of
     * {@link #http}, whichever is set first. {@code null} keeps those of {@link #http}.
     *
     * @param tls the certificate and key, or {@code null} (the default)
     * @return this builder
     */
    public Builder tls(TlsOptions tls) {
      this.tls = tls;
      return this;
    }

    /**
     * The Engine.IO options (ping interval and timeout, max payload, CORS, transports…); their path and untrusted
     * input limit are replaced by {@link #path} and {@link #preConnectInputLimit}. Default
     * {@link EngineOptions#DEFAULT}.
     *
     * @param engine the new value (see {@link ServerOptions#engine()})
     * @return this builder
     */
    public Builder engine(EngineOptions engine) {
      this.engine = engine;
      return this;
    }

    /**
     * See {@link ServerOptions#connectTimeout()}; default 10 s.
     *
     * @param connectTimeout the new value (see {@link ServerOptions#connectTimeout()})
     * @return this builder
     */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * See {@link ServerOptions#attachmentTimeout()}; default 10 s.
     *
     * @param attachmentTimeout the new value (see {@link ServerOptions#attachmentTimeout()})
     * @return this builder
     */
    public Builder attachmentTimeout(Duration attachmentTimeout) {
      this.attachmentTimeout = attachmentTimeout;
      return this;
    }

    /**
     * See {@link ServerOptions#preConnectInputLimit()}; default 64 KiB.
     *
     * @param preConnectInputLimit the new value (see {@link ServerOptions#preConnectInputLimit()})
     * @return this builder
     */
    public Builder preConnectInputLimit(long preConnectInputLimit) {
      this.preConnectInputLimit = preConnectInputLimit;
      return this;
    }

    /**
     * Sets {@link ServerOptions#adapter()}.
     *
     * @param adapter the new value (see {@link ServerOptions#adapter()})
     * @return this builder
     */
    public Builder adapter(AdapterFactory adapter) {
      this.adapter = adapter;
      return this;
    }

    /**
     * Sets {@link ServerOptions#connectionStateRecovery()}.
     *
     * @param connectionStateRecovery the new value (see {@link ServerOptions#connectionStateRecovery()})
     * @return this builder
     */
    public Builder connectionStateRecovery(ConnectionStateRecovery connectionStateRecovery) {
      this.connectionStateRecovery = connectionStateRecovery;
      return this;
    }

    /**
     * Sets {@link ServerOptions#cleanupEmptyChildNamespaces()}.
     *
     * @param cleanupEmptyChildNamespaces the new value (see {@link ServerOptions#cleanupEmptyChildNamespaces()})
     * @return this builder
     */
    public Builder cleanupEmptyChildNamespaces(boolean cleanupEmptyChildNamespaces) {
      this.cleanupEmptyChildNamespaces = cleanupEmptyChildNamespaces;
      return this;
    }

    /**
     * Sets {@link ServerOptions#handlerExecutor()}.
     *
     * @param handlerExecutor the new value (see {@link ServerOptions#handlerExecutor()})
     * @return this builder
     */
    public Builder handlerExecutor(Executor handlerExecutor) {
      this.handlerExecutor = handlerExecutor;
      return this;
    }

    /**
     * See {@link ServerOptions#handlerDispatch()}; default {@link HandlerDispatch#ADAPTIVE}.
     *
     * @param handlerDispatch the new value (see {@link ServerOptions#handlerDispatch()})
     * @return this builder
     */
    public Builder handlerDispatch(HandlerDispatch handlerDispatch) {
      this.handlerDispatch = handlerDispatch;
      return this;
    }

    /**
     * See {@link ServerOptions#blockingThreshold()}; default 20 ms.
     *
     * @param blockingThreshold the new value (see {@link ServerOptions#blockingThreshold()})
     * @return this builder
     */
    public Builder blockingThreshold(Duration blockingThreshold) {
      this.blockingThreshold = blockingThreshold;
      return this;
    }

    /**
     * Sets {@link ServerOptions#maxAttachments()}.
     *
     * @param maxAttachments the new value (see {@link ServerOptions#maxAttachments()})
     * @return this builder
     */
    public Builder maxAttachments(int maxAttachments) {
      this.maxAttachments = maxAttachments;
      return this;
    }

    /**
     * Sets {@link ServerOptions#maxJsonDepth()}.
     *
     * @param maxJsonDepth the new value (see {@link ServerOptions#maxJsonDepth()})
     * @return this builder
     */
    public Builder maxJsonDepth(int maxJsonDepth) {
      this.maxJsonDepth = maxJsonDepth;
      return this;
    }

    /**
     * Sets {@link ServerOptions#objectMapper()}.
     *
     * @param objectMapper the new value (see {@link ServerOptions#objectMapper()})
     * @return this builder
     */
    public Builder objectMapper(ObjectMapper objectMapper) {
      this.objectMapper = objectMapper;
      return this;
    }

    /**
     * Sets {@link ServerOptions#serveClient()}.
     *
     * @param serveClient the new value (see {@link ServerOptions#serveClient()})
     * @return this builder
     */
    public Builder serveClient(boolean serveClient) {
      this.serveClient = serveClient;
      return this;
    }

    /**
     * Checks the settings and builds the options.
     *
     * @return the options
     * @throws NullPointerException     if the path, engine or HTTP options, the handler dispatch, or a timeout or
     *                                  threshold is null
     * @throws IllegalArgumentException if a timeout, the blocking threshold or {@code preConnectInputLimit} is not
     *                                  positive,
     *                                  {@code maxAttachments} is negative or {@code maxJsonDepth} is below 1
     */
    public ServerOptions build() {
      return new ServerOptions(this);
    }
  }
}
