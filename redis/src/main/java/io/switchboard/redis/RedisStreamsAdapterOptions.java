package io.switchboard.redis;

import io.switchboard.server.ClusterAdapter;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings of the Redis Streams adapter, immutable; the defaults are those of
 * {@code @socket.io/redis-streams-adapter} 0.3.1, and the names too where it has them.
 *
 * <pre>{@code
 * RedisStreamsAdapterOptions opts = RedisStreamsAdapterOptions.builder()
 *     .streamName("myapp")                 // XADD myapp MAXLEN ~ 10000 * uid .. nsp .. type .. data ..
 *     .channelPrefix("myapp")              // requests on myapp#/#, answers on myapp#/#<uid>#
 *     .maxLen(50_000)
 *     .build();
 * }</pre>
 *
 * <p>Broadcasts, room changes and disconnections go through the stream, which every server reads from where it
 * stopped (so a server that loses Redis for a while still gets what was sent meanwhile); requests and their answers
 * (fetchSockets, serverSideEmit, broadcasts with acknowledgements) go through pub/sub. With connection state recovery
 * on, sessions are kept under {@code sessionKeyPrefix + pid}, and the stream is the store of missed packets: a
 * client can recover on any server whose Redis still holds the entries after its offset.
 */
public final class RedisStreamsAdapterOptions {
  /** The reference's defaults. */
  public static final RedisStreamsAdapterOptions DEFAULT = builder().build();

  private final String streamName;
  private final int streamCount;
  private final String channelPrefix;
  private final boolean useShardedPubSub;
  private final long maxLen;
  private final int readCount;
  private final int blockTimeInMs;
  private final String sessionKeyPrefix;
  private final boolean onlyPlaintext;
  private final Duration requestsTimeout;
  private final int maxRestoredEntries;
  private final int maxMessageSize;
  private final int maxPendingCommands;
  private final Duration reconnectDelay;
  private final Duration commandTimeout;

  private RedisStreamsAdapterOptions(Builder b) {
    this.streamName = nonEmpty(b.streamName, "streamName");
    if (b.streamCount < 1) {
      throw new IllegalArgumentException("streamCount must be positive: " + b.streamCount);
    }
    this.streamCount = b.streamCount;
    this.channelPrefix = nonEmpty(b.channelPrefix, "channelPrefix");
    this.useShardedPubSub = b.useShardedPubSub;
    if (b.maxLen < 1) {
      throw new IllegalArgumentException("maxLen must be positive: " + b.maxLen);
    }
    this.maxLen = b.maxLen;
    if (b.readCount < 1) {
      throw new IllegalArgumentException("readCount must be positive: " + b.readCount);
    }
    this.readCount = b.readCount;
    if (b.blockTimeInMs < 1) {
      throw new IllegalArgumentException("blockTimeInMs must be positive (0 would block forever): "
          + b.blockTimeInMs);
    }
    this.blockTimeInMs = b.blockTimeInMs;
    this.sessionKeyPrefix = nonEmpty(b.sessionKeyPrefix, "sessionKeyPrefix");
    this.onlyPlaintext = b.onlyPlaintext;
    this.requestsTimeout = positive(b.requestsTimeout, "requestsTimeout");
    if (b.maxRestoredEntries < 1) {
      throw new IllegalArgumentException("maxRestoredEntries must be positive: " + b.maxRestoredEntries);
    }
    this.maxRestoredEntries = b.maxRestoredEntries;
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

  private static String nonEmpty(String s, String name) {
    Objects.requireNonNull(s, name);
    if (s.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return s;
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
    b.streamName = streamName;
    b.streamCount = streamCount;
    b.channelPrefix = channelPrefix;
    b.useShardedPubSub = useShardedPubSub;
    b.maxLen = maxLen;
    b.readCount = readCount;
    b.blockTimeInMs = blockTimeInMs;
    b.sessionKeyPrefix = sessionKeyPrefix;
    b.onlyPlaintext = onlyPlaintext;
    b.requestsTimeout = requestsTimeout;
    b.maxRestoredEntries = maxRestoredEntries;
    b.maxMessageSize = maxMessageSize;
    b.maxPendingCommands = maxPendingCommands;
    b.reconnectDelay = reconnectDelay;
    b.commandTimeout = commandTimeout;
    return b;
  }

  /** {@return the stream's key, or the prefix of the keys {@code <name>-<i>} when {@link #streamCount()} is above 1} */
  public String streamName() {
    return streamName;
  }

  /** {@return how many streams the namespaces are spread over (by a hash of the namespace name)} */
  public int streamCount() {
    return streamCount;
  }

  /** {@return the prefix of the pub/sub channels of requests and answers} */
  public String channelPrefix() {
    return channelPrefix;
  }

  /** {@return whether requests and answers use sharded pub/sub (Redis 7 SPUBLISH/SSUBSCRIBE)} */
  public boolean useShardedPubSub() {
    return useShardedPubSub;
  }

  /** {@return the stream's length, trimmed approximately ({@code MAXLEN ~}) at each XADD} */
  public long maxLen() {
    return maxLen;
  }

  /** {@return the most entries one XREAD returns} */
  public int readCount() {
    return readCount;
  }

  /** {@return how long one XREAD waits for new entries, in milliseconds} */
  public int blockTimeInMs() {
    return blockTimeInMs;
  }

  /** {@return the prefix of the session keys ({@code <prefix><pid>})} */
  public String sessionKeyPrefix() {
    return sessionKeyPrefix;
  }

  /** {@return whether payloads are known to hold no binary, so that no entry is checked for it (always JSON)} */
  public boolean onlyPlaintext() {
    return onlyPlaintext;
  }

  /** {@return how long requests (fetchSockets, serverSideEmit with acks) wait for answers} */
  public Duration requestsTimeout() {
    return requestsTimeout;
  }

  /**
   * {@return the most stream entries read to restore one session: a client that missed more than this gets a fresh
   * session (never a partial replay)} Default 10,000, the default {@link #maxLen()}.
   */
  public int maxRestoredEntries() {
    return maxRestoredEntries;
  }

  /** {@return entries and payloads larger than this many bytes are dropped (and logged) instead of decoded} */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /**
   * {@return how many commands may wait for Redis at once, while it is slow or away; further broadcasts are delivered
   * on this server only (and counted in {@link RedisStreamsAdapterFactory#refusedCommands()})}
   */
  public int maxPendingCommands() {
    return maxPendingCommands;
  }

  /** {@return the pause between reconnection attempts, and before reading again after a failed read} */
  public Duration reconnectDelay() {
    return reconnectDelay;
  }

  /**
   * {@return how long one Redis command other than XADD may take before it fails (XREAD gets its block time on top)}
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  RedisLink.Settings linkSettings() {
    return new RedisLink.Settings(maxMessageSize, maxPendingCommands, reconnectDelay, commandTimeout, true,
        Duration.ofMillis(blockTimeInMs));
  }

  @Override
  public String toString() {
    return "RedisStreamsAdapterOptions[streamName=" + streamName + ", streamCount=" + streamCount
        + ", channelPrefix=" + channelPrefix + ", useShardedPubSub=" + useShardedPubSub + ", maxLen=" + maxLen
        + ", readCount=" + readCount + ", blockTimeInMs=" + blockTimeInMs + ", sessionKeyPrefix=" + sessionKeyPrefix
        + ", onlyPlaintext=" + onlyPlaintext + ", requestsTimeout=" + requestsTimeout + ", maxRestoredEntries="
        + maxRestoredEntries + ", maxMessageSize=" + maxMessageSize + ", maxPendingCommands=" + maxPendingCommands
        + ", reconnectDelay=" + reconnectDelay + ", commandTimeout=" + commandTimeout + "]";
  }

  /** Collects settings; {@link #build()} checks them. */
  public static final class Builder {
    private String streamName = "socket.io";
    private int streamCount = 1;
    private String channelPrefix = "socket.io";
    private boolean useShardedPubSub;
    private long maxLen = 10_000;
    private int readCount = 100;
    private int blockTimeInMs = 5_000;
    private String sessionKeyPrefix = "sio:session:";
    private boolean onlyPlaintext;
    private Duration requestsTimeout = ClusterAdapter.DEFAULT_REQUESTS_TIMEOUT;
    private int maxRestoredEntries = 10_000;
    private int maxMessageSize = 8 * 1024 * 1024;
    private int maxPendingCommands = 10_000;
    private Duration reconnectDelay = Duration.ofMillis(200);
    private Duration commandTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /**
     * Sets {@link RedisStreamsAdapterOptions#streamName()}.
     *
     * @param streamName the new value (see {@link RedisStreamsAdapterOptions#streamName()})
     * @return this builder
     */
    public Builder streamName(String streamName) {
      this.streamName = streamName;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#streamCount()}.
     *
     * @param streamCount the new value (see {@link RedisStreamsAdapterOptions#streamCount()})
     * @return this builder
     */
    public Builder streamCount(int streamCount) {
      this.streamCount = streamCount;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#channelPrefix()}.
     *
     * @param channelPrefix the new value (see {@link RedisStreamsAdapterOptions#channelPrefix()})
     * @return this builder
     */
    public Builder channelPrefix(String channelPrefix) {
      this.channelPrefix = channelPrefix;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#useShardedPubSub()}.
     *
     * @param useShardedPubSub the new value (see {@link RedisStreamsAdapterOptions#useShardedPubSub()})
     * @return this builder
     */
    public Builder useShardedPubSub(boolean useShardedPubSub) {
      this.useShardedPubSub = useShardedPubSub;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#maxLen()}.
     *
     * @param maxLen the new value (see {@link RedisStreamsAdapterOptions#maxLen()})
     * @return this builder
     */
    public Builder maxLen(long maxLen) {
      this.maxLen = maxLen;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#readCount()}.
     *
     * @param readCount the new value (see {@link RedisStreamsAdapterOptions#readCount()})
     * @return this builder
     */
    public Builder readCount(int readCount) {
      this.readCount = readCount;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#blockTimeInMs()}.
     *
     * @param blockTimeInMs the new value (see {@link RedisStreamsAdapterOptions#blockTimeInMs()})
     * @return this builder
     */
    public Builder blockTimeInMs(int blockTimeInMs) {
      this.blockTimeInMs = blockTimeInMs;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#sessionKeyPrefix()}.
     *
     * @param sessionKeyPrefix the new value (see {@link RedisStreamsAdapterOptions#sessionKeyPrefix()})
     * @return this builder
     */
    public Builder sessionKeyPrefix(String sessionKeyPrefix) {
      this.sessionKeyPrefix = sessionKeyPrefix;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#onlyPlaintext()}.
     *
     * @param onlyPlaintext the new value (see {@link RedisStreamsAdapterOptions#onlyPlaintext()})
     * @return this builder
     */
    public Builder onlyPlaintext(boolean onlyPlaintext) {
      this.onlyPlaintext = onlyPlaintext;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#requestsTimeout()}.
     *
     * @param requestsTimeout the new value (see {@link RedisStreamsAdapterOptions#requestsTimeout()})
     * @return this builder
     */
    public Builder requestsTimeout(Duration requestsTimeout) {
      this.requestsTimeout = requestsTimeout;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#maxRestoredEntries()}.
     *
     * @param maxRestoredEntries the new value (see {@link RedisStreamsAdapterOptions#maxRestoredEntries()})
     * @return this builder
     */
    public Builder maxRestoredEntries(int maxRestoredEntries) {
      this.maxRestoredEntries = maxRestoredEntries;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#maxMessageSize()}.
     *
     * @param maxMessageSize the new value (see {@link RedisStreamsAdapterOptions#maxMessageSize()})
     * @return this builder
     */
    public Builder maxMessageSize(int maxMessageSize) {
      this.maxMessageSize = maxMessageSize;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#maxPendingCommands()}.
     *
     * @param maxPendingCommands the new value (see {@link RedisStreamsAdapterOptions#maxPendingCommands()})
     * @return this builder
     */
    public Builder maxPendingCommands(int maxPendingCommands) {
      this.maxPendingCommands = maxPendingCommands;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#reconnectDelay()}.
     *
     * @param reconnectDelay the new value (see {@link RedisStreamsAdapterOptions#reconnectDelay()})
     * @return this builder
     */
    public Builder reconnectDelay(Duration reconnectDelay) {
      this.reconnectDelay = reconnectDelay;
      return this;
    }

    /**
     * Sets {@link RedisStreamsAdapterOptions#commandTimeout()}.
     *
     * @param commandTimeout the new value (see {@link RedisStreamsAdapterOptions#commandTimeout()})
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
      return this;
    }

    /** {@return the options} */
    public RedisStreamsAdapterOptions build() {
      return new RedisStreamsAdapterOptions(this);
    }
  }
}
