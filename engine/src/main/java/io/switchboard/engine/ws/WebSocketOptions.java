package io.switchboard.engine.ws;

import io.switchboard.engine.OriginPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of a plain WebSocket endpoint ({@link WebSocketEndpoint}).
 *
 * <pre>{@code
 * WebSocketOptions options = WebSocketOptions.builder()
 *     .path("/ws")
 *     .maxPayload(64 * 1024)                                  // a bigger message: close 1009
 *     .pingInterval(Duration.ofSeconds(25))                   // ping when the client has been quiet this long,
 *     .pingTimeout(Duration.ofSeconds(20))                    // drop it when it stays quiet this much longer
 *     .maxOutboundBytes(4 * 1024 * 1024)                      // a client that does not read: close 1008
 *     .allowedOrigins(Set.of("https://chat.example"))         // another page's upgrade: 403
 *     .subprotocols(List.of("chat.v1"))
 *     .authenticator(WebSocketAuthenticator.sync(req ->
 *         "secret".equals(req.cookie("token")) ? Admission.accept("alice") : Admission.refuse(401)))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Options, defaults, and what happens beyond them</caption>
 *   <tr><th>option</th><th>default</th><th>beyond it</th></tr>
 *   <tr><td>{@code path}</td><td>{@code /ws}</td><td>other paths pass to the next handler</td></tr>
 *   <tr><td>{@code maxPayload}</td><td>1 MiB</td><td>close 1009, from the frame header that announces it</td></tr>
 *   <tr><td>{@code maxFragments}</td><td>1,024 continuation frames a message</td><td>close 1008</td></tr>
 *   <tr><td>{@code maxFramesPerSecond}</td><td>10,000 (0: off)</td><td>close 1008</td></tr>
 *   <tr><td>{@code maxBufferedInput}</td><td>¼ of the max heap (at least 16 MiB), all connections of the endpoint
 *       together</td><td>close 1013 for the connection that would pass it</td></tr>
 *   <tr><td>{@code pingInterval} / {@code pingTimeout}</td><td>25 s / 20 s ({@code Duration.ZERO} interval: no
 *       heartbeat)</td><td>a client silent for the interval gets a ping; silent for both: the TCP connection is
 *       dropped, {@code onClose(1006, "ping timeout")}</td></tr>
 *   <tr><td>{@code closeTimeout}</td><td>5 s</td><td>after the server's close frame, the TCP connection is closed
 *       even if the client never answers it</td></tr>
 *   <tr><td>{@code maxOutboundBytes}</td><td>4 MiB</td><td>a send while more than this is still queued closes the
 *       connection with 1008 "slow consumer" (the message is dropped)</td></tr>
 *   <tr><td>{@code allowedOrigins} / {@code allowMissingOrigin}</td><td>any / true</td><td>403 before the
 *       upgrade; an {@code Origin} with control characters: 400</td></tr>
 *   <tr><td>{@code subprotocols}</td><td>none</td><td>the first one the client offers that is listed is selected;
 *       none in common: the upgrade proceeds without one</td></tr>
 *   <tr><td>{@code authenticator}</td><td>accepts everyone</td><td>its refusal's status (401, 403, ...); an
 *       exception: 500</td></tr>
 *   <tr><td>{@code authTimeout}</td><td>10 s</td><td>503 when the authenticator has not decided</td></tr>
 * </table>
 */
public final class WebSocketOptions {
  /** The defaults. */
  public static final WebSocketOptions DEFAULT = builder().build();

  private final String path;
  private final int maxPayload;
  private final int maxFragments;
  private final int maxFramesPerSecond;
  private final long maxBufferedInput;
  private final Duration pingInterval;
  private final Duration pingTimeout;
  private final Duration closeTimeout;
  private final long maxOutboundBytes;
  private final OriginPolicy origins;
  private final List<String> subprotocols;
  private final WebSocketAuthenticator authenticator;
  private final Duration authTimeout;

  private WebSocketOptions(Builder b) {
    if (b.path == null || !b.path.startsWith("/") || b.path.indexOf('?') >= 0) {
      throw new IllegalArgumentException("path must start with / and have no query: " + b.path);
    }
    this.path = b.path;
    if (b.maxPayload <= 0) {
      throw new IllegalArgumentException("maxPayload must be positive: " + b.maxPayload);
    }
    this.maxPayload = b.maxPayload;
    if (b.maxFragments < 0 || b.maxFramesPerSecond < 0) {
      throw new IllegalArgumentException("maxFragments and maxFramesPerSecond must not be negative");
    }
    this.maxFragments = b.maxFragments;
    this.maxFramesPerSecond = b.maxFramesPerSecond;
    if (b.maxBufferedInput < b.maxPayload) {
      throw new IllegalArgumentException("maxBufferedInput must be at least maxPayload");
    }
    this.maxBufferedInput = b.maxBufferedInput;
    this.pingInterval = notNegative(b.pingInterval, "pingInterval");
    this.pingTimeout = notNegative(b.pingTimeout, "pingTimeout");
    if (!pingInterval.isZero() && pingTimeout.isZero()) {
      throw new IllegalArgumentException("pingTimeout must be positive when pingInterval is");
    }
    this.closeTimeout = notNegative(b.closeTimeout, "closeTimeout");
    if (closeTimeout.isZero()) {
      throw new IllegalArgumentException("closeTimeout must be positive");
    }
    if (b.maxOutboundBytes <= 0) {
      throw new IllegalArgumentException("maxOutboundBytes must be positive: " + b.maxOutboundBytes);
    }
    this.maxOutboundBytes = b.maxOutboundBytes;
    this.origins = new OriginPolicy(b.allowedOrigins, b.allowMissingOrigin);
    for (String p : b.subprotocols) {
      if (p == null || p.isEmpty() || p.indexOf(',') >= 0 || !OriginPolicy.isPrintableAscii(p) || p.contains(" ")) {
        throw new IllegalArgumentException("invalid subprotocol: " + p);
      }
    }
    this.subprotocols = List.copyOf(b.subprotocols);
    this.authenticator = Objects.requireNonNull(b.authenticator, "authenticator");
    this.authTimeout = notNegative(b.authTimeout, "authTimeout");
    if (authTimeout.isZero()) {
      throw new IllegalArgumentException("authTimeout must be positive");
    }
  }

  private static Duration notNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + d);
    }
    return d;
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration, to change a part of it} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the path of the upgrade request (exact match; the query is free); default {@code /ws}} */
  public String path() {
    return path;
  }

  /**
   * {@return the largest message, all its fragments together, in bytes; default 1 MiB} A larger one gets close 1009.
   */
  public int maxPayload() {
    return maxPayload;
  }

  /** {@return the most continuation frames in one message; default 1,024} More get close 1008. */
  public int maxFragments() {
    return maxFragments;
  }

  /**
   * {@return the most frames a client may send in one second, 0 for no limit; default 10,000} More get close 1008.
   */
  public int maxFramesPerSecond() {
    return maxFramesPerSecond;
  }

  /**
   * {@return the most bytes of unfinished messages all connections of the endpoint may hold together; default a
   * quarter of the max heap, at least 16 MiB} The connection whose frame would pass it gets close 1013.
   */
  public long maxBufferedInput() {
    return maxBufferedInput;
  }

  /**
   * {@return how long a client may be silent (send no byte at all: a client in the middle of a long frame is not
   * silent) before the server pings it; {@code Duration.ZERO}: no heartbeat; default 25 s}
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** {@return how much longer a pinged client may stay silent before its TCP connection is dropped; default 20 s} */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /** {@return how long the server waits for the client's close frame after sending its own; default 5 s} */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** {@return the most bytes queued for a client before a further send closes it with 1008; default 4 MiB} */
  public long maxOutboundBytes() {
    return maxOutboundBytes;
  }

  /**
   * {@return the origins whose pages may connect; default every origin, and requests without one} Set with
   * {@link Builder#allowedOrigins} and {@link Builder#allowMissingOrigin}.
   */
  public OriginPolicy origins() {
    return origins;
  }

  /**
   * {@return the subprotocols the endpoint speaks; default none} The first of the client's
   * {@code Sec-WebSocket-Protocol} values (in the client's order) that is listed here is selected; with none in
   * common the upgrade proceeds without one (a client that insists then fails the connection itself).
   */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /**
   * {@return what decides on each upgrade request before the 101; default {@link WebSocketAuthenticator#ACCEPT_ALL},
   * which accepts everyone with no attachment}
   */
  public WebSocketAuthenticator authenticator() {
    return authenticator;
  }

  /** {@return how long the authenticator may take before the upgrade is refused with 503; default 10 s} */
  public Duration authTimeout() {
    return authTimeout;
  }

  @Override
  public String toString() {
    return "WebSocketOptions{path=" + path + ", maxPayload=" + maxPayload + ", maxFragments=" + maxFragments
        + ", maxFramesPerSecond=" + maxFramesPerSecond + ", maxBufferedInput=" + maxBufferedInput
        + ", pingInterval=" + pingInterval + ", pingTimeout=" + pingTimeout + ", closeTimeout=" + closeTimeout
        + ", maxOutboundBytes=" + maxOutboundBytes + ", origins=" + origins + ", subprotocols=" + subprotocols + "}";
  }

  /** Builds {@link WebSocketOptions}; starts from the defaults. */
  public static final class Builder {
    private String path = "/ws";
    private int maxPayload = 1024 * 1024;
    private int maxFragments = 1024;
    private int maxFramesPerSecond = 10_000;
    private long maxBufferedInput = Math.max(Runtime.getRuntime().maxMemory() / 4, 16L * 1024 * 1024);
    private Duration pingInterval = Duration.ofSeconds(25);
    private Duration pingTimeout = Duration.ofSeconds(20);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private long maxOutboundBytes = 4L * 1024 * 1024;
    private Set<String> allowedOrigins = Set.of();
    private boolean allowMissingOrigin = true;
    private List<String> subprotocols = List.of();
    private WebSocketAuthenticator authenticator = WebSocketAuthenticator.ACCEPT_ALL;
    private Duration authTimeout = Duration.ofSeconds(10);

    private Builder() {}

    private Builder(WebSocketOptions o) {
      path = o.path;
      maxPayload = o.maxPayload;
      maxFragments = o.maxFragments;
      maxFramesPerSecond = o.maxFramesPerSecond;
      maxBufferedInput = o.maxBufferedInput;
      pingInterval = o.pingInterval;
      pingTimeout = o.pingTimeout;
      closeTimeout = o.closeTimeout;
      maxOutboundBytes = o.maxOutboundBytes;
      allowedOrigins = o.origins.allowed();
      allowMissingOrigin = o.origins.allowMissing();
      subprotocols = o.subprotocols;
      authenticator = o.authenticator;
      authTimeout = o.authTimeout;
    }

    /**
     * Sets {@link WebSocketOptions#path()}.
     *
     * @param path the new value; {@link #build()} throws unless it starts with {@code /} and has no {@code ?}
     * @return this builder
     */
    public Builder path(String path) {
      this.path = path;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#maxPayload()}.
     *
     * @param maxPayload the new value in bytes; {@link #build()} throws unless it is positive and at most
     *     {@link WebSocketOptions#maxBufferedInput()}
     * @return this builder
     */
    public Builder maxPayload(int maxPayload) {
      this.maxPayload = maxPayload;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#maxFragments()}.
     *
     * @param maxFragments the new value; {@link #build()} throws if it is negative
     * @return this builder
     */
    public Builder maxFragments(int maxFragments) {
      this.maxFragments = maxFragments;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#maxFramesPerSecond()}.
     *
     * @param maxFramesPerSecond the new value, 0 for no limit; {@link #build()} throws if it is negative
     * @return this builder
     */
    public Builder maxFramesPerSecond(int maxFramesPerSecond) {
      this.maxFramesPerSecond = maxFramesPerSecond;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#maxBufferedInput()}.
     *
     * @param maxBufferedInput the new value in bytes; {@link #build()} throws if it is below
     *     {@link WebSocketOptions#maxPayload()}
     * @return this builder
     */
    public Builder maxBufferedInput(long maxBufferedInput) {
      this.maxBufferedInput = maxBufferedInput;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#pingInterval()}.
     *
     * @param pingInterval the new value, {@code Duration.ZERO} for no heartbeat; {@link #build()} throws if it is
     *     null or negative
     * @return this builder
     */
    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#pingTimeout()}.
     *
     * @param pingTimeout the new value; {@link #build()} throws if it is null or negative, or zero while the ping
     *     interval is not
     * @return this builder
     */
    public Builder pingTimeout(Duration pingTimeout) {
      this.pingTimeout = pingTimeout;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#closeTimeout()}.
     *
     * @param closeTimeout the new value; {@link #build()} throws unless it is positive
     * @return this builder
     */
    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#maxOutboundBytes()}.
     *
     * @param maxOutboundBytes the new value in bytes; {@link #build()} throws unless it is positive
     * @return this builder
     */
    public Builder maxOutboundBytes(long maxOutboundBytes) {
      this.maxOutboundBytes = maxOutboundBytes;
      return this;
    }

    /**
     * The origins whose pages may connect (see {@link WebSocketOptions#origins()}); default every origin.
     *
     * @param allowedOrigins exact origins such as {@code https://chat.example}; empty for every origin; copied
     * @return this builder
     * @throws NullPointerException if {@code allowedOrigins} is null
     */
    public Builder allowedOrigins(Set<String> allowedOrigins) {
      this.allowedOrigins = new LinkedHashSet<>(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
      return this;
    }

    /**
     * Whether an upgrade request without an {@code Origin} header (not from a browser page: native apps, servers,
     * tests) may proceed; default true. When false, such requests get 403.
     *
     * @param allowMissingOrigin the new value
     * @return this builder
     */
    public Builder allowMissingOrigin(boolean allowMissingOrigin) {
      this.allowMissingOrigin = allowMissingOrigin;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#subprotocols()}.
     *
     * @param subprotocols the tokens the endpoint speaks, copied; {@link #build()} throws on an empty one or one with
     *     a comma, space or non-printable character
     * @return this builder
     * @throws NullPointerException if the list is null or holds null
     */
    public Builder subprotocols(List<String> subprotocols) {
      this.subprotocols = List.copyOf(subprotocols);
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#authenticator()}.
     *
     * @param authenticator the new value; {@link #build()} throws on null
     * @return this builder
     */
    public Builder authenticator(WebSocketAuthenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    /**
     * Sets {@link WebSocketOptions#authTimeout()}.
     *
     * @param authTimeout the new value; {@link #build()} throws unless it is positive
     * @return this builder
     */
    public Builder authTimeout(Duration authTimeout) {
      this.authTimeout = authTimeout;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws IllegalArgumentException if a value is out of the range its setter names
     * @throws NullPointerException if a duration or the authenticator is null
     */
    public WebSocketOptions build() {
      return new WebSocketOptions(this);
    }
  }
}
