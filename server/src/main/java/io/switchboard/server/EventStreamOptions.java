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

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the namespace whose rooms the streams are in; default {@code "/"}} */
  public String namespace() {
    return namespace;
  }

  /** {@return who may open a stream, and as whom; default {@link HttpAuthenticator#ANYONE}} */
  public HttpAuthenticator authenticator() {
    return authenticator;
  }

  /**
   * {@return how often a comment line goes down a stream (it keeps proxies and dead-peer detection busy); default 15 s}
   */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** {@return the reconnection delay the stream tells the browser ({@code retry:}); default 3 s} */
  public Duration retry() {
    return retry;
  }

  /**
   * {@return the most bytes a stream may have waiting for a reader that does not keep up; past it the stream is closed
   * (the browser reconnects with its {@code Last-Event-ID} and, within the recovery window, misses nothing); default
   * 1 MiB}
   */
  public int maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /** {@return the most streams one authenticated user holds open on this server; one more gets 429. Default 5} */
  public int maxStreamsPerUser() {
    return maxStreamsPerUser;
  }

  /** {@return the most streams one client address holds open on this server; one more gets 429. Default 20} */
  public int maxStreamsPerAddress() {
    return maxStreamsPerAddress;
  }

  /** {@return origins that may read the streams cross-origin, with credentials; default none (same origin only)} */
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

    /**
     * Sets {@link EventStreamOptions#namespace()}.
     *
     * @param namespace the namespace name, starting with {@code /}
     * @return this builder
     */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#authenticator()}.
     *
     * @param authenticator decides who may open a stream
     * @return this builder
     */
    public Builder authenticator(HttpAuthenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#heartbeat()}.
     *
     * @param heartbeat the interval between comment lines; positive
     * @return this builder
     */
    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#retry()}.
     *
     * @param retry the delay the browser waits before reconnecting; positive
     * @return this builder
     */
    public Builder retry(Duration retry) {
      this.retry = retry;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#maxQueuedBytes()}.
     *
     * @param maxQueuedBytes the cap in bytes; at least 1024
     * @return this builder
     */
    public Builder maxQueuedBytes(int maxQueuedBytes) {
      this.maxQueuedBytes = maxQueuedBytes;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#maxStreamsPerUser()}.
     *
     * @param maxStreamsPerUser the cap; at least 1
     * @return this builder
     */
    public Builder maxStreamsPerUser(int maxStreamsPerUser) {
      this.maxStreamsPerUser = maxStreamsPerUser;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#maxStreamsPerAddress()}.
     *
     * @param maxStreamsPerAddress the cap; at least 1
     * @return this builder
     */
    public Builder maxStreamsPerAddress(int maxStreamsPerAddress) {
      this.maxStreamsPerAddress = maxStreamsPerAddress;
      return this;
    }

    /**
     * Sets {@link EventStreamOptions#allowedOrigins()}.
     *
     * @param allowedOrigins the origins, such as {@code https://app.example.com}; copied
     * @return this builder
     */
    public Builder allowedOrigins(Set<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws NullPointerException     if the namespace, authenticator, heartbeat or retry is null
     * @throws IllegalArgumentException if a duration is not positive, {@code maxQueuedBytes} is under 1024 or a cap
     *                                  under 1
     */
    public EventStreamOptions build() {
      return new EventStreamOptions(this);
    }
  }
}
