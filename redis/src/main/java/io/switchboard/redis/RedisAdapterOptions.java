package io.switchboard.redis;

import io.switchboard.server.ClusterAdapter;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the Redis adapter, immutable; the defaults are those of {@code @socket.io/redis-adapter}.
 *
 * <pre>{@code
 * RedisAdapterOptions opts = RedisAdapterOptions.builder()
 *     .key("myapp")                                  // channels myapp#/#, myapp-request#/#, ...
 *     .requestsTimeout(Duration.ofSeconds(2))
 *     .publishOnSpecificResponseChannel(true)
 *     .build();
 * }</pre>
 */
public final class RedisAdapterOptions {
  /** The reference's defaults. */
  public static final RedisAdapterOptions DEFAULT = builder().build();

  private final String key;
  private final RedisMode mode;
  private final SubscriptionMode subscriptionMode;
  private final RedisParser parser;
  private final Duration requestsTimeout;
  private final boolean publishOnSpecificResponseChannel;
  private final int maxMessageSize;
  private final int maxPendingCommands;
  private final Duration reconnectDelay;
  private final Duration commandTimeout;

  private RedisAdapterOptions(Builder b) {
    this.key = Objects.requireNonNull(b.key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    this.mode = Objects.requireNonNull(b.mode, "mode");
    this.subscriptionMode = Objects.requireNonNull(b.subscriptionMode, "subscriptionMode");
    this.parser = Objects.requireNonNull(b.parser, "parser");
    this.requestsTimeout = positive(b.requestsTimeout, "requestsTimeout");
    this.publishOnSpecificResponseChannel = b.publishOnSpecificResponseChannel;
    if (b.maxMessageSize < 64) {
      throw new IllegalArgumentException("maxMessageSize must be at least 64 bytes: " + b.maxMessageSize);
    }
    this.maxMessageSize = b.maxMessageSize;
    if (b.maxPendingCommands < 1) {
      throw new IllegalArgumentException("maxPendingCommands must be positive: " + b.maxPendingCommands);
    }
    this.maxPendingCommands = b.maxPendingCommands;
    this.reconnectDelay = positive(b.reconnectDelay, "reconnectDelay");
    this.commandTimeout = positive(b.commandTimeout, "commandTimeout");
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  /** {@return a builder with the defaults of {@link #DEFAULT}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new builder holding these settings, to change some of them} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.key = key;
    b.mode = mode;
    b.subscriptionMode = subscriptionMode;
    b.parser = parser;
    b.requestsTimeout = requestsTimeout;
    b.publishOnSpecificResponseChannel = publishOnSpecificResponseChannel;
    b.maxMessageSize = maxMessageSize;
    b.maxPendingCommands = maxPendingCommands;
    b.reconnectDelay = reconnectDelay;
    b.commandTimeout = commandTimeout;
    return b;
  }

  /** {@return the channel prefix ({@code key} of the classic adapter, {@code channelPrefix} of the sharded one)} */
  public String key() {
    return key;
  }

  /** {@return classic or sharded pub/sub} */
  public RedisMode mode() {
    return mode;
  }

  /** {@return the sharded mode's channels per namespace} */
  public SubscriptionMode subscriptionMode() {
    return subscriptionMode;
  }

  /** {@return the encoding of classic-mode publications (the sharded mode picks as the reference does)} */
  public RedisParser parser() {
    return parser;
  }

  /** {@return how long requests (fetchSockets, serverSideEmit with acks) wait for answers} */
  public Duration requestsTimeout() {
    return requestsTimeout;
  }

  /** {@return whether answers go to the requester's own response channel rather than the shared one (classic mode)} */
  public boolean publishOnSpecificResponseChannel() {
    return publishOnSpecificResponseChannel;
  }

  /** {@return payloads larger than this many bytes are dropped (and logged) instead of decoded} */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /**
   * {@return how many commands may wait for Redis's replies before new ones are refused (none wait while it is away)}
   */
  public int maxPendingCommands() {
    return maxPendingCommands;
  }

  /** {@return the pause between reconnection attempts (for clients this module creates)} */
  public Duration reconnectDelay() {
    return reconnectDelay;
  }

  /** {@return how long one Redis command may take before it fails} */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** The link settings of these options (pub/sub: commands fail at once while Redis is away). */
  RedisLink.Settings linkSettings() {
    return new RedisLink.Settings(maxMessageSize, maxPendingCommands, reconnectDelay, commandTimeout, false, null);
  }

  @Override
  public String toString() {
    return "RedisAdapterOptions[key=" + key + ", mode=" + mode + ", subscriptionMode=" + subscriptionMode
        + ", parser=" + parser + ", requestsTimeout=" + requestsTimeout + ", publishOnSpecificResponseChannel="
        + publishOnSpecificResponseChannel + ", maxMessageSize=" + maxMessageSize + ", maxPendingCommands="
        + maxPendingCommands + ", reconnectDelay=" + reconnectDelay + ", commandTimeout=" + commandTimeout + "]";
  }

  /** Collects settings; {@link #build()} checks them. */
  public static final class Builder {
    private String key = "socket.io";
    private RedisMode mode = RedisMode.CLASSIC;
    private SubscriptionMode subscriptionMode = SubscriptionMode.DYNAMIC;
    private RedisParser parser = RedisParser.MSGPACK;
    private Duration requestsTimeout = ClusterAdapter.DEFAULT_REQUESTS_TIMEOUT;
    private boolean publishOnSpecificResponseChannel;
    private int maxMessageSize = 8 * 1024 * 1024;
    private int maxPendingCommands = 10_000;
    private Duration reconnectDelay = Duration.ofMillis(200);
    private Duration commandTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * Sets {@link RedisAdapterOptions#key()}.
     *
     * @param key the new value (see {@link RedisAdapterOptions#key()})
     * @return this builder
     */
    public Builder key(String key) {
      this.key = key;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#mode()}.
     *
     * @param mode the new value (see {@link RedisAdapterOptions#mode()})
     * @return this builder
     */
    public Builder mode(RedisMode mode) {
      this.mode = mode;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#subscriptionMode()}.
     *
     * @param subscriptionMode the new value (see {@link RedisAdapterOptions#subscriptionMode()})
     * @return this builder
     */
    public Builder subscriptionMode(SubscriptionMode subscriptionMode) {
      this.subscriptionMode = subscriptionMode;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#parser()}.
     *
     * @param parser the new value (see {@link RedisAdapterOptions#parser()})
     * @return this builder
     */
    public Builder parser(RedisParser parser) {
      this.parser = parser;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#requestsTimeout()}.
     *
     * @param requestsTimeout the new value (see {@link RedisAdapterOptions#requestsTimeout()})
     * @return this builder
     */
    public Builder requestsTimeout(Duration requestsTimeout) {
      this.requestsTimeout = requestsTimeout;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#publishOnSpecificResponseChannel()}.
     *
     * @param publishOnSpecificResponseChannel the new value
     *     (see {@link RedisAdapterOptions#publishOnSpecificResponseChannel()})
     * @return this builder
     */
    public Builder publishOnSpecificResponseChannel(boolean publishOnSpecificResponseChannel) {
      this.publishOnSpecificResponseChannel = publishOnSpecificResponseChannel;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#maxMessageSize()}.
     *
     * @param maxMessageSize the new value (see {@link RedisAdapterOptions#maxMessageSize()})
     * @return this builder
     */
    public Builder maxMessageSize(int maxMessageSize) {
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#maxPendingCommands()}.
     *
     * @param maxPendingCommands the new value (see {@link RedisAdapterOptions#maxPendingCommands()})
     * @return this builder
     */
    public Builder maxPendingCommands(int maxPendingCommands) {
      this.maxPendingCommands = maxPendingCommands;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#reconnectDelay()}.
     *
     * @param reconnectDelay the new value (see {@link RedisAdapterOptions#reconnectDelay()})
     * @return this builder
     */
    public Builder reconnectDelay(Duration reconnectDelay) {
      this.reconnectDelay = reconnectDelay;
      return this;
    }

    /**
     * Sets {@link RedisAdapterOptions#commandTimeout()}.
     *
     * @param commandTimeout the new value (see {@link RedisAdapterOptions#commandTimeout()})
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /** {@return the options} */
    public RedisAdapterOptions build() {
      return new RedisAdapterOptions(this);
    }
  }
}
