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

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The path of the upgrade request (exact match; the query is free). Default {@code /ws}. */
  public String path() {
    return path;
  }

  /** The largest message, all its fragments together, in bytes; a larger one gets close 1009. Default 1 MiB. */
  public int maxPayload() {
    return maxPayload;
  }

  /** The most continuation frames in one message; more get close 1008. Default 1,024. */
  public int maxFragments() {
    return maxFragments;
  }

  /** The most frames a client may send in one second, 0 for no limit; more get close 1008. Default 10,000. */
  public int maxFramesPerSecond() {
    return maxFramesPerSecond;
  }

  /**
   * The most bytes of unfinished messages all connections of the endpoint may hold together; the connection whose
   * frame would pass it gets close 1013. Default a quarter of the max heap, at least 16 MiB.
   */
  public long maxBufferedInput() {
    return maxBufferedInput;
  }

  /**
   * How long a client may be silent (send no byte at all: a client in the middle of a long frame is not silent)
   * before the server pings it; {@code Duration.ZERO}: no heartbeat. Default 25 s.
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** How much longer a pinged client may stay silent before its TCP connection is dropped. Default 20 s. */
  public Duration pingTimeout() {
    return pingTimeout;
  }

  /** How long the server waits for the client's close frame after sending its own. Default 5 s. */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** The most bytes queued for a client before a further send closes it with 1008. Default 4 MiB. */
  public long maxOutboundBytes() {
    return maxOutboundBytes;
  }

  /** The origins whose pages may connect. Default every origin, and requests without one. */
  public OriginPolicy origins() {
    return origins;
  }

  /**
   * The subprotocols the endpoint speaks. The first of the client's {@code Sec-WebSocket-Protocol} values (in the
   * client's order) that is listed here is selected; with none in common the upgrade proceeds without one (a client
   * that insists then fails the connection itself). Default none.
   */
  public List<String> subprotocols() {
    return subprotocols;
  }

  /** Decides on each upgrade request before the 101. Default: accepts everyone with no attachment. */
  public WebSocketAuthenticator authenticator() {
    return authenticator;
  }

  /** How long the authenticator may take before the upgrade is refused with 503. Default 10 s. */
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

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder maxPayload(int maxPayload) {
      this.maxPayload = maxPayload;
      return this;
    }

    public Builder maxFragments(int maxFragments) {
      this.maxFragments = maxFragments;
      return this;
    }

    public Builder maxFramesPerSecond(int maxFramesPerSecond) {
      this.maxFramesPerSecond = maxFramesPerSecond;
      return this;
    }

    public Builder maxBufferedInput(long maxBufferedInput) {
      this.maxBufferedInput = maxBufferedInput;
      return this;
    }

    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
      return this;
    }

    public Builder pingTimeout(Duration pingTimeout) {
      this.pingTimeout = pingTimeout;
      return this;
    }

    public Builder closeTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
      return this;
    }

    public Builder maxOutboundBytes(long maxOutboundBytes) {
      this.maxOutboundBytes = maxOutboundBytes;
      return this;
    }

    /** Exact origins such as {@code https://chat.example}; empty for every origin. */
    public Builder allowedOrigins(Set<String> allowedOrigins) {
      this.allowedOrigins = new LinkedHashSet<>(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
      return this;
    }

    public Builder allowMissingOrigin(boolean allowMissingOrigin) {
      this.allowMissingOrigin = allowMissingOrigin;
      return this;
    }

    public Builder subprotocols(List<String> subprotocols) {
      this.subprotocols = List.copyOf(subprotocols);
      return this;
    }

    public Builder authenticator(WebSocketAuthenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    public Builder authTimeout(Duration authTimeout) {
      this.authTimeout = authTimeout;
      return this;
    }

    public WebSocketOptions build() {
      return new WebSocketOptions(this);
    }
  }
}
