package io.switchboard.engine;

import io.netty.handler.codec.http.cors.CorsConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of an Engine.IO server, with the reference server's defaults.
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder()
 *     .path("/engine.io/")
 *     .pingInterval(Duration.ofSeconds(25))
 *     .pingTimeout(Duration.ofSeconds(20))
 *     .cors(CorsConfigBuilder.forOrigin("https://app.example").allowCredentials().build())
 *     .allowedOrigins(Set.of("https://app.example"))
 *     .build();
 * }</pre>
 */
public final class EngineOptions {
  /** The defaults. */
  public static final EngineOptions DEFAULT = builder().build();

  private final String path;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration upgradeTimeout;
  private final int maxHttpBufferSize;
  private final Set<Transport> transports;
  private final boolean allowUpgrades;
  private final CorsConfig cors;
  private final RequestVerifier allowRequest;
  private final long maxBufferedBytes;
  private final long maxBufferedInput;
  private final long untrustedInputLimit;
  private final int maxFragmentsPerMessage;
  private final int maxFramesPerSecond;
  private final Set<String> allowedOrigins;
  private final boolean allowMissingOrigin;
  private final PerMessageDeflate perMessageDeflate;
  private final boolean httpCompression;
  private final OriginPolicy originPolicy;

  private EngineOptions(Builder b) {
    this.path = normalizePath(b.path);
    this.pingInterval = positive(b.pingInterval, "pingInterval");
    this.pingTimeout = positive(b.pingTimeout, "pingTimeout");
    this.upgradeTimeout = positive(b.upgradeTimeout, "upgradeTimeout");
    if (b.maxHttpBufferSize <= 0) {
      throw new IllegalArgumentException("maxHttpBufferSize must be positive: " + b.maxHttpBufferSize);
    }
    this.maxHttpBufferSize = b.maxHttpBufferSize;
    if (b.transports.isEmpty()) {
      throw new IllegalArgumentException("at least one transport is needed");
    }
    this.transports = Set.copyOf(b.transports);
    this.allowUpgrades = b.allowUpgrades;
    this.cors = b.cors;
    this.allowRequest = b.allowRequest;
    if (b.maxBufferedBytes < b.maxHttpBufferSize) {
      throw new IllegalArgumentException("maxBufferedBytes must be at least maxHttpBufferSize");
    }
    this.maxBufferedBytes = b.maxBufferedBytes;
    if (b.maxBufferedInput < b.maxHttpBufferSize) {
      throw new IllegalArgumentException("maxBufferedInput must be at least maxHttpBufferSize");
    }
    this.maxBufferedInput = b.maxBufferedInput;
    if (b.untrustedInputLimit <= 0) {
      throw new IllegalArgumentException("untrustedInputLimit must be positive: " + b.untrustedInputLimit);
    }
    this.untrustedInputLimit = b.untrustedInputLimit;
    if (b.maxFragmentsPerMessage <= 0) {
      throw new IllegalArgumentException("maxFragmentsPerMessage must be positive: " + b.maxFragmentsPerMessage);
    }
    this.maxFragmentsPerMessage = b.maxFragmentsPerMessage;
    if (b.maxFramesPerSecond < 0) {
      throw new IllegalArgumentException("maxFramesPerSecond must not be negative: " + b.maxFramesPerSecond);
    }
    this.maxFramesPerSecond = b.maxFramesPerSecond;
    this.perMessageDeflate = Objects.requireNonNull(b.perMessageDeflate, "perMessageDeflate");
    this.httpCompression = b.httpCompression;
    for (String origin : b.allowedOrigins) {
      if (origin == null || origin.isEmpty()) {
        throw new IllegalArgumentException("allowedOrigins must not hold empty origins");
      }
    }
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
    this.allowMissingOrigin = b.allowMissingOrigin;
    this.originPolicy = new OriginPolicy(allowedOrigins, allowMissingOrigin);
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration, to change a part of it} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the path the server answers on, with leading and trailing slash; default {@code /engine.io/}} */
  public String path() {
    return path;
  }

  /** {@return how often the server pings; default 25 s} */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** {@return how long the server waits for a pong before closing; default 20 s} */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /** {@return how long a WebSocket upgrade may take before it is abandoned; default 10 s} */
  public Duration upgradeTimeout() {
    return upgradeTimeout;
  }

  /**
   * {@return the largest message or polling body accepted, in bytes, advertised as {@code maxPayload}; default
   * 1,000,000}
   */
  public int maxHttpBufferSize() {
    return maxHttpBufferSize;
  }

  /** {@return the transports offered; default polling and WebSocket} */
  public Set<Transport> transports() {
    return transports;
  }

  /** {@return whether polling sessions may upgrade to WebSocket; default true} */
  public boolean allowUpgrades() {
    return allowUpgrades;
  }

  /** {@return the CORS policy for polling requests, or {@code null} for none (no CORS headers)} */
  public CorsConfig cors() {
    return cors;
  }

  /** {@return the handshake and upgrade hook, or {@code null} to accept every request} */
  public RequestVerifier allowRequest() {
    return allowRequest;
  }

  /**
   * {@return the most bytes a session may hold queued for a client that does not read, before it is closed; default 4
   * MiB}
   */
  public long maxBufferedBytes() {
    return maxBufferedBytes;
  }

  /**
   * {@return the most bytes of unfinished input (polling bodies, WebSocket messages being assembled, and whatever the
   * application reserves from {@link EngineServer#inputBudget()}) the server holds at once across all sessions; beyond
   * it new input is refused (HTTP 503, close 1013)} Default: a quarter of the maximum heap.
   */
  public long maxBufferedInput() {
    return maxBufferedInput;
  }

  /**
   * {@return the most bytes a session may receive before the application calls {@link EngineSocket#trust()}; beyond it
   * the session is closed} Default {@link Long#MAX_VALUE} (no limit) for a plain Engine.IO server; the Socket.IO server
   * sets a small one (64 KiB) until the client's first namespace CONNECT succeeds.
   */
  public long untrustedInputLimit() {
    return untrustedInputLimit;
  }

  /**
   * {@return the most continuation frames one WebSocket message may have; beyond it the connection is closed with 1008
   * (policy violation)} Default 1,024: browsers and the Socket.IO clients never fragment, and a client that streams a
   * message of {@link #maxHttpBufferSize()} bytes in 1 KB fragments still fits.
   */
  public int maxFragmentsPerMessage() {
    return maxFragmentsPerMessage;
  }

  /**
   * {@return the most WebSocket frames (data and control) one connection may send in a second; beyond it the connection
   * is closed with 1008 (policy violation)} Default 10,000; 0 turns the check off.
   */
  public int maxFramesPerSecond() {
    return maxFramesPerSecond;
  }

  /**
   * {@return the origins (exact {@code Origin} header values such as {@code https://chat.example}) whose pages may use
   * the server: a polling request or WebSocket upgrade from another origin gets 403 {@code {"code":4,"message":
   * "Forbidden"}}, and CORS headers are given to these origins only} Default empty: every origin is allowed. A page in
   * a sandbox sends {@code null}, which must be listed to be allowed.
   */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /**
   * {@return whether a request without an {@code Origin} header (not from a browser page: native apps, servers, tests)
   * is allowed; default true} When false, such requests get 403.
   */
  public boolean allowMissingOrigin() {
    return allowMissingOrigin;
  }

  /**
   * {@return the WebSocket {@code permessage-deflate} extension: whether it is negotiated and how; default
   * {@link PerMessageDeflate#DEFAULT} (off)}
   */
  public PerMessageDeflate perMessageDeflate() {
    return perMessageDeflate;
  }

  /**
   * {@return whether polling responses of at least {@link HttpCompression#THRESHOLD} bytes are gzipped for clients
   * that send {@code Accept-Encoding: gzip}; default true, as in the reference server ({@code httpCompression})}
   */
  public boolean httpCompression() {
    return httpCompression;
  }

  /** Whether a request with this {@code Origin} header value ({@code null} when absent) may proceed. */
  boolean originAllowed(String origin) {
    return originPolicy.allows(origin);
  }

  @Override
  public String toString() {
    return "EngineOptions{path=" + path + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout
        + ", upgradeTimeout=" + upgradeTimeout + ", maxHttpBufferSize=" + maxHttpBufferSize
        + ", transports=" + transports + ", allowUpgrades=" + allowUpgrades + ", cors=" + (cors != null)
        + ", allowRequest=" + (allowRequest != null) + ", maxBufferedBytes=" + maxBufferedBytes
        + ", maxBufferedInput=" + maxBufferedInput + ", untrustedInputLimit=" + untrustedInputLimit
        + ", maxFragmentsPerMessage=" + maxFragmentsPerMessage + ", maxFramesPerSecond=" + maxFramesPerSecond
        + ", allowedOrigins=" + allowedOrigins + ", allowMissingOrigin=" + allowMissingOrigin
        + ", perMessageDeflate=" + perMessageDeflate + ", httpCompression=" + httpCompression + "}";
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  private static String normalizePath(String p) {
    Objects.requireNonNull(p, "path");
    String s = p.startsWith("/") ? p : "/" + p;
    return s.endsWith("/") ? s : s + "/";
  }

  /** Builds {@link EngineOptions}. */
  public static final class Builder {
    private String path = "/engine.io/";
    private Duration pingInterval = Duration.ofSeconds(25);
    private Duration pingTimeout = Duration.ofSeconds(20);
    private Duration upgradeTimeout = Duration.ofSeconds(10);
    private int maxHttpBufferSize = 1_000_000;
    private Set<Transport> transports = EnumSet.allOf(Transport.class);
    private boolean allowUpgrades = true;
    private CorsConfig cors;
    private RequestVerifier allowRequest;
    private long maxBufferedBytes = 4L * 1024 * 1024;
    private long maxBufferedInput = Math.max(Runtime.getRuntime().maxMemory() / 4, 16L * 1024 * 1024);
    private long untrustedInputLimit = Long.MAX_VALUE;
    private int maxFragmentsPerMessage = 1024;
    private int maxFramesPerSecond = 10_000;
    private Set<String> allowedOrigins = Set.of();
    private boolean allowMissingOrigin = true;
    private PerMessageDeflate perMessageDeflate = PerMessageDeflate.DEFAULT;
    private boolean httpCompression = true;

    private Builder() {}

    private Builder(EngineOptions o) {
      path = o.path;
      pingInterval = o.pingInterval;
      pingTimeout = o.pingTimeout;
      upgradeTimeout = o.upgradeTimeout;
      maxHttpBufferSize = o.maxHttpBufferSize;
      transports = EnumSet.copyOf(o.transports);
      allowUpgrades = o.allowUpgrades;
      cors = o.cors;
      allowRequest = o.allowRequest;
      maxBufferedBytes = o.maxBufferedBytes;
      maxBufferedInput = o.maxBufferedInput;
      untrustedInputLimit = o.untrustedInputLimit;
      maxFragmentsPerMessage = o.maxFragmentsPerMessage;
      maxFramesPerSecond = o.maxFramesPerSecond;
      allowedOrigins = o.allowedOrigins;
      allowMissingOrigin = o.allowMissingOrigin;
      perMessageDeflate = o.perMessageDeflate;
      httpCompression = o.httpCompression;
    }

    /**
     * Sets {@link EngineOptions#path()}.
     *
     * @param path the new value (see {@link EngineOptions#path()})
     * @return this builder
     */
    public Builder path(String path) {
      this.path = path;
      return this;
    }

    /**
     * Sets {@link EngineOptions#pingInterval()}.
     *
     * @param pingInterval the new value (see {@link EngineOptions#pingInterval()})
     * @return this builder
     */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
      return this;
    }

    /**
     * Sets {@link EngineOptions#pingTimeout()}.
     *
     * @param pingTimeout the new value (see {@link EngineOptions#pingTimeout()})
     * @return this builder
     */
    public Builder pingTimeout(Duration pingTimeout) {
      this.pingTimeout = pingTimeout;
      return this;
    }

    /**
     * Sets {@link EngineOptions#upgradeTimeout()}.
     *
     * @param upgradeTimeout the new value (see {@link EngineOptions#upgradeTimeout()})
     * @return this builder
     */
    public Builder upgradeTimeout(Duration upgradeTimeout) {
      this.upgradeTimeout = upgradeTimeout;
      return this;
    }

    /**
     * Sets {@link EngineOptions#maxHttpBufferSize()}.
     *
     * @param maxHttpBufferSize the new value (see {@link EngineOptions#maxHttpBufferSize()})
     * @return this builder
     */
    public Builder maxHttpBufferSize(int maxHttpBufferSize) {
      this.maxHttpBufferSize = maxHttpBufferSize;
      return this;
    }

    /**
     * Sets {@link EngineOptions#transports()}.
     *
     * @param transports the new value (see {@link EngineOptions#transports()})
     * @return this builder
     */
    public Builder transports(Set<Transport> transports) {
      this.transports = EnumSet.noneOf(Transport.class);
      this.transports.addAll(transports);
      return this;
    }

    /**
     * Sets {@link EngineOptions#allowUpgrades()}.
     *
     * @param allowUpgrades the new value (see {@link EngineOptions#allowUpgrades()})
     * @return this builder
     */
    public Builder allowUpgrades(boolean allowUpgrades) {
      this.allowUpgrades = allowUpgrades;
      return this;
    }

    /**
     * Netty's CORS policy object; build it with {@code CorsConfigBuilder}.
     *
     * @param cors the new value (see {@link EngineOptions#cors()})
     * @return this builder
     */
    public Builder cors(CorsConfig cors) {
      this.cors = cors;
      return this;
    }

    /**
     * Sets {@link EngineOptions#allowRequest()}.
     *
     * @param allowRequest the new value (see {@link EngineOptions#allowRequest()})
     * @return this builder
     */
    public Builder allowRequest(RequestVerifier allowRequest) {
      this.allowRequest = allowRequest;
      return this;
    }

    /**
     * Sets {@link EngineOptions#maxBufferedBytes()}.
     *
     * @param maxBufferedBytes the new value (see {@link EngineOptions#maxBufferedBytes()})
     * @return this builder
     */
    public Builder maxBufferedBytes(long maxBufferedBytes) {
      this.maxBufferedBytes = maxBufferedBytes;
      return this;
    }

    /**
     * Sets {@link EngineOptions#maxBufferedInput()}.
     *
     * @param maxBufferedInput the new value (see {@link EngineOptions#maxBufferedInput()})
     * @return this builder
     */
    public Builder maxBufferedInput(long maxBufferedInput) {
      this.maxBufferedInput = maxBufferedInput;
      return this;
    }

    /**
     * Sets {@link EngineOptions#untrustedInputLimit()}.
     *
     * @param untrustedInputLimit the new value (see {@link EngineOptions#untrustedInputLimit()})
     * @return this builder
     */
    public Builder untrustedInputLimit(long untrustedInputLimit) {
      this.untrustedInputLimit = untrustedInputLimit;
      return this;
    }

    /**
     * Sets {@link EngineOptions#maxFragmentsPerMessage()}.
     *
     * @param maxFragmentsPerMessage the new value (see {@link EngineOptions#maxFragmentsPerMessage()})
     * @return this builder
     */
    public Builder maxFragmentsPerMessage(int maxFragmentsPerMessage) {
      this.maxFragmentsPerMessage = maxFragmentsPerMessage;
      return this;
    }

    /**
     * Frames per second and connection; 0 for no limit.
     *
     * @param maxFramesPerSecond the new value (see {@link EngineOptions#maxFramesPerSecond()})
     * @return this builder
     */
    public Builder maxFramesPerSecond(int maxFramesPerSecond) {
      this.maxFramesPerSecond = maxFramesPerSecond;
      return this;
    }

    /**
     * Exact origins such as {@code https://chat.example}; empty for every origin.
     *
     * @param allowedOrigins the new value (see {@link EngineOptions#allowedOrigins()})
     * @return this builder
     */
    public Builder allowedOrigins(Set<String> allowedOrigins) {
      this.allowedOrigins = new LinkedHashSet<>(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
      return this;
    }

    /**
     * Sets {@link EngineOptions#allowMissingOrigin()}.
     *
     * @param allowMissingOrigin the new value (see {@link EngineOptions#allowMissingOrigin()})
     * @return this builder
     */
    public Builder allowMissingOrigin(boolean allowMissingOrigin) {
      this.allowMissingOrigin = allowMissingOrigin;
      return this;
    }

    /**
     * Sets {@link EngineOptions#perMessageDeflate()}.
     *
     * @param perMessageDeflate the new value (see {@link EngineOptions#perMessageDeflate()})
     * @return this builder
     */
    public Builder perMessageDeflate(PerMessageDeflate perMessageDeflate) {
      this.perMessageDeflate = perMessageDeflate;
      return this;
    }

    /**
     * Sets {@link EngineOptions#httpCompression()}.
     *
     * @param httpCompression the new value (see {@link EngineOptions#httpCompression()})
     * @return this builder
     */
    public Builder httpCompression(boolean httpCompression) {
      this.httpCompression = httpCompression;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws IllegalArgumentException if a value is out of range: a size or duration that is not positive, a buffer
     *     limit below {@code maxHttpBufferSize}, no transport, an empty origin
     * @throws NullPointerException if the path, a duration or {@code perMessageDeflate} is null
     */
    public EngineOptions build() {
      return new EngineOptions(this);
    }
  }
}
