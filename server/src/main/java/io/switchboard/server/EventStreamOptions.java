package io.switchboard.server;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable configuration of a Server-Sent Events endpoint ({@link Server#sse}): the namespace whose rooms its
 * streams join, who may open one, and the bounds on what a stream may cost.
 *
 * <pre>{@code
 * EventStreamOptions options = EventStreamOptions.builder()
 *     .authenticator(req -> req.cookie("token") != null ? Admission.user(users.of(req.cookie("token")))
 *                                                       : Admission.refuse(401, "Unauthorized"))
 *     .maxStreamsPerUser(5)
 *     .maxStreamsPerAddress(20)
 *     .build();
 * io.sse("/events", options, stream -> stream.join(stream.handshake().query().get("room")));
 * }</pre>
 */
public final class EventStreamOptions {
  /** The defaults. */
  public static final EventStreamOptions DEFAULT = builder().build();

  private final String namespace;
  private final HttpAuthenticator authenticator;
  private final Duration heartbeat;
  private final Duration retry;
  private final int maxQueuedBytes;
  private final int maxStreamsPerUser;
  private final int maxStreamsPerAddress;
  private final Set<String> allowedOrigins;

  private EventStreamOptions(Builder b) {
    this.namespace = Objects.requireNonNull(b.namespace, "namespace");
    this.authenticator = Objects.requireNonNull(b.authenticator, "authenticator");
    this.heartbeat = positive(b.heartbeat, "heartbeat");
    this.retry = positive(b.retry, "retry");
    if (b.maxQueuedBytes < 1024 || b.maxStreamsPerUser < 1 || b.maxStreamsPerAddress < 1) {
      throw new IllegalArgumentException("maxQueuedBytes must be at least 1024, the caps at least 1");
    }
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.maxStreamsPerUser = b.maxStreamsPerUser;
    this.maxStreamsPerAddress = b.maxStreamsPerAddress;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
  }

  private static Duration positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The namespace whose rooms the streams are in; default {@code "/"}. */
  public String namespace() {
    return namespace;
  }

  /** Who may open a stream, and as whom; default {@link HttpAuthenticator#ANYONE}. */
  public HttpAuthenticator authenticator() {
    return authenticator;
  }

  /** How often a comment line goes down a stream (it keeps proxies and dead-peer detection busy); default 15 s. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** The reconnection delay the stream tells the browser ({@code retry:}); default 3 s. */
  public Duration retry() {
    return retry;
  }

  /**
   * The most bytes a stream may have waiting for a reader that does not keep up; past it the stream is closed (the
   * browser reconnects with its {@code Last-Event-ID} and, within the recovery window, misses nothing). Default 1 MiB.
   */
  public int maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** The most streams one authenticated user holds open on this server; one more gets 429. Default 5. */
  public int maxStreamsPerUser() {
    return maxStreamsPerUser;
  }

  /** The most streams one client address holds open on this server; one more gets 429. Default 20. */
  public int maxStreamsPerAddress() {
    return maxStreamsPerAddress;
  }

  /** Origins that may read the streams cross-origin, with credentials; default none (same origin only). */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  /** Builds {@link EventStreamOptions}. */
  public static final class Builder {
    private String namespace = "/";
    private HttpAuthenticator authenticator = HttpAuthenticator.ANYONE;
    private Duration heartbeat = Duration.ofSeconds(15);
    private Duration retry = Duration.ofSeconds(3);
    private int maxQueuedBytes = 1 << 20;
    private int maxStreamsPerUser = 5;
    private int maxStreamsPerAddress = 20;
    private Set<String> allowedOrigins = Set.of();

    private Builder() {}

    private Builder(EventStreamOptions o) {
      namespace = o.namespace;
      authenticator = o.authenticator;
      heartbeat = o.heartbeat;
      retry = o.retry;
      maxQueuedBytes = o.maxQueuedBytes;
      maxStreamsPerUser = o.maxStreamsPerUser;
      maxStreamsPerAddress = o.maxStreamsPerAddress;
      allowedOrigins = o.allowedOrigins;
    }

    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    public Builder authenticator(HttpAuthenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    public Builder retry(Duration retry) {
      this.retry = retry;
      return this;
    }

    public Builder maxQueuedBytes(int maxQueuedBytes) {
      this.maxQueuedBytes = maxQueuedBytes;
      return this;
    }

    public Builder maxStreamsPerUser(int maxStreamsPerUser) {
      this.maxStreamsPerUser = maxStreamsPerUser;
      return this;
    }

    public Builder maxStreamsPerAddress(int maxStreamsPerAddress) {
      this.maxStreamsPerAddress = maxStreamsPerAddress;
      return this;
    }

    public Builder allowedOrigins(Set<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
      return this;
    }

    public EventStreamOptions build() {
      return new EventStreamOptions(this);
    }
  }
}
