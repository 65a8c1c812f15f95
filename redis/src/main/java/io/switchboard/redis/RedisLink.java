package io.switchboard.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections of one server (or emitter): one for commands, one in subscribed state, with the routing of
 * received messages to the adapters of each namespace, and, for the streams adapter, dedicated connections for
 * blocking reads.
 *
 * <p>The connections reconnect by themselves, and the subscribed one subscribes again to everything it had. In the
 * pub/sub setting, commands issued while Redis is away fail at once (pub/sub delivers at most once: nothing is kept
 * for later); in the streams setting they wait for Redis ({@link Settings#queueWhileDisconnected()}). Either way at
 * most {@link Settings#maxPendingCommands()} may wait for their replies; beyond that they fail at once (and the
 * caller logs it), so the outgoing buffer is bounded whatever Redis does. Received payloads above
 * {@link Settings#maxMessageSize()} are dropped here. Handlers run on Lettuce's I/O threads and must not block.
 */
final class RedisLink implements RedisPubSubListener<byte[], byte[]>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  /** Receives a message: the channel it came on, and its payload. */
  @FunctionalInterface
  interface Handler extends BiConsumer<String, byte[]> {}

  /**
   * What a link needs to know.
   *
   * @param queueWhileDisconnected whether commands wait for Redis to come back (streams) or fail at once (pub/sub);
   *                               with it, scripts have no timeout (they wait within the bound of pending commands)
   * @param blockTime              the BLOCK time of XREAD, added to the command timeout of XREAD
   */
  record Settings(int maxMessageSize, int maxPendingCommands, Duration reconnectDelay, Duration commandTimeout,
      boolean queueWhileDisconnected, Duration blockTime) {}

  private final AbstractRedisClient client;
  private final boolean cluster;
  private final ClientResources resources;
  private final boolean ownsClient;
  private final int maxMessageSize;
  private final StatefulConnection<byte[], byte[]> pubConnection;
  private final RedisClusterAsyncCommands<byte[], byte[]> pub;
  private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
  private final List<StatefulConnection<byte[], byte[]>> dedicated = new CopyOnWriteArrayList<>();
  private final Map<String, Handler> channels = new ConcurrentHashMap<>();
  private final Map<String, Handler> patterns = new ConcurrentHashMap<>();
  private final Map<String, Handler> shardChannels = new ConcurrentHashMap<>();
  private final AtomicLong dropped = new AtomicLong();
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong lastRefusalLog = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong lastDropLog = new AtomicLong();
  private static final Logger clusterLog = LoggerFactory.getLogger(io.switchboard.engine.Logs.CLUSTER);
  /** Connections of this link that are down now; the link is up when none is. */
  private final java.util.Set<Object> down = ConcurrentHashMap.newKeySet();
  private final AtomicLong losses = new AtomicLong();
  private volatile boolean closing;

  private RedisLink(AbstractRedisClient client, ClientResources resources, boolean ownsClient, Settings settings,
      boolean subscriber) {
    this.client = client;
    this.cluster = client instanceof RedisClusterClient;
    this.resources = resources;
    this.ownsClient = ownsClient;
    this.maxMessageSize = settings.maxMessageSize();
    this.maxPending = settings.maxPendingCommands();
    try {
      if (client instanceof RedisClusterClient c) {
        StatefulRedisClusterConnection<byte[], byte[]> conn = c.connect(ByteArrayCodec.INSTANCE);
        this.pubConnection = conn;
        this.pub = conn.async();
        if (subscriber) {
          StatefulRedisClusterPubSubConnection<byte[], byte[]> s = c.connectPubSub(ByteArrayCodec.INSTANCE);
          s.setNodeMessagePropagation(true); // sharded messages come on the connections to the slots' nodes
          this.sub = s;
        } else {
          this.sub = null;
        }
      } else {
        StatefulRedisConnection<byte[], byte[]> conn = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
        this.pubConnection = conn;
        this.pub = conn.async();
        this.sub = subscriber ? ((RedisClient) client).connectPubSub(ByteArrayCodec.INSTANCE) : null;
      }
      if (sub != null) {
        sub.addListener(this);
      }
      client.addListener(new LinkState());
    } catch (RuntimeException e) {
      if (ownsClient) {
        shutdown();
      }
      throw e;
    }
  }

  /** Connects to {@code uri} with a client of its own, set up from {@code opts}. */
  static RedisLink open(String uri, RedisAdapterOptions opts, boolean subscriber) {
    return open(uri, opts.linkSettings(), subscriber);
  }

  /** Connects to {@code uri} with a client of its own, set up from {@code settings}. */
  static RedisLink open(String uri, Settings settings, boolean subscriber) {
    ClientResources resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(1)
        .reconnectDelay(Delay.constant(settings.reconnectDelay()))
        .build();
    RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
    client.setOptions(clientOptions(settings));
    return new RedisLink(client, resources, true, settings, subscriber);
  }

  /**
   * Connects to a Redis Cluster through any of its nodes ({@code redis://host:port} each) with a client of its own:
   * commands go to the node of their key's slot, sharded subscriptions to the node of their channel's slot.
   */
  static RedisLink openCluster(List<String> seeds, Settings settings, boolean subscriber) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no Redis Cluster node given");
    }
    ClientResources resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(1)
        .reconnectDelay(Delay.constant(settings.reconnectDelay()))
        .build();
    RedisClusterClient client = RedisClusterClient.create(resources, seeds.stream().map(RedisURI::create).toList());
    // the connections to the nodes open lazily: commands must wait for them (a node's first command would be refused
    // otherwise, and a refused SSUBSCRIBE is never retried); the bound on pending commands and the timeouts still hold
    ClientOptions base = clientOptions(settings).mutate()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).build();
    client.setOptions(ClusterClientOptions.builder(base)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enableAllAdaptiveRefreshTriggers()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .build())
        .build());
    return new RedisLink(client, resources, true, settings, subscriber);
  }

  /** Connects with the caller's cluster client, whose options stay the caller's. */
  static RedisLink open(RedisClusterClient client, Settings settings, boolean subscriber) {
    return new RedisLink(client, null, false, settings, subscriber);
  }

  /** Whether this link talks to a Redis Cluster. */
  boolean isCluster() {
    return cluster;
  }

  /** The options of the clients this module makes. */
  static ClientOptions clientOptions(Settings settings) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(settings.queueWhileDisconnected()
            ? ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS
            : ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(settings.maxPendingCommands() + 1_000) // our own bound (publish) comes first
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands().timeoutSource(timeouts(settings)).build())
        .build();
  }

  /** Command timeouts: XREAD gets its BLOCK time on top; with queueing, XADD waits as long as it takes. */
  private static TimeoutOptions.TimeoutSource timeouts(Settings settings) {
    long command = settings.commandTimeout().toMillis();
    long read = settings.blockTime() == null ? command : command + settings.blockTime().toMillis();
    boolean queue = settings.queueWhileDisconnected();
    return new TimeoutOptions.TimeoutSource() {
      @Override
      public long getTimeout(RedisCommand<?, ?, ?> c) {
        if (c.getType() == CommandType.XREAD) {
          return read;
        }
        if (queue && (c.getType() == CommandType.EVALSHA || c.getType() == CommandType.EVAL)) {
          return 0; // none: the scripts (stream entries, session writes) are bounded in number instead, so a slow
                    // Redis never turns a written entry into a lost one, nor an added entry into a doubled one
        }
        return command;
      }

      @Override
      public TimeUnit getTimeUnit() {
        return TimeUnit.MILLISECONDS;
      }
    };
  }

  /** Connects with the caller's client, whose options (reconnection, queue size) stay the caller's. */
  static RedisLink open(RedisClient client, RedisAdapterOptions opts, boolean subscriber) {
    return open(client, opts.linkSettings(), subscriber);
  }

  /** Connects with the caller's client, whose options (reconnection, queue size) stay the caller's. */
  static RedisLink open(RedisClient client, Settings settings, boolean subscriber) {
    return new RedisLink(client, null, false, settings, subscriber);
  }

  /** The asynchronous commands of the shared command connection. */
  RedisClusterAsyncCommands<byte[], byte[]> commands() {
    return pub;
  }

  /** A connection of its own for blocking commands (XREAD BLOCK), closed with the link. */
  RedisClusterAsyncCommands<byte[], byte[]> dedicatedConnection() {
    if (client instanceof RedisClusterClient cc) {
      StatefulRedisClusterConnection<byte[], byte[]> c = cc.connect(ByteArrayCodec.INSTANCE);
      dedicated.add(c);
      return c.async();
    }
    StatefulRedisConnection<byte[], byte[]> c = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
    dedicated.add(c);
    return c.async();
  }

  /** A scheduler for retries and periodic work (the client's event executors). */
  ScheduledExecutorService scheduler() {
    return client.getResources().eventExecutorGroup();
  }

  // ---- commands ----

  CompletionStage<Long> publish(String channel, byte[] payload) {
    return bounded(() -> pub.publish(bytes(channel), payload));
  }

  CompletionStage<Long> spublish(String channel, byte[] payload) {
    return bounded(() -> pub.spublish(bytes(channel), payload));
  }

  /** Runs a command unless {@code maxPendingCommands} are already waiting for Redis; then fails it at once with a
   * {@link RefusedException}. */
  <T> CompletionStage<T> bounded(Supplier<CompletionStage<T>> command) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return CompletableFuture.failedFuture(refuse(maxPending));
    }
    CompletionStage<T> s;
    try {
      s = command.get();
    } catch (RuntimeException e) {
      pending.decrementAndGet();
      return CompletableFuture.failedFuture(e);
    }
    return s.whenComplete((v, e) -> pending.decrementAndGet());
  }

  /** A command refused because {@code maxPendingCommands} were already waiting: it never reached Redis. */
  static final class RefusedException extends IllegalStateException {
    RefusedException() {
      super("too many commands waiting for Redis");
    }
  }

  /** Counts (and logs, at most once a second) a command refused because {@code limit} were waiting. */
  RefusedException refuse(int limit) {
    long n = refused.incrementAndGet();
    long now = System.nanoTime();
    long last = lastRefusalLog.get();
    if (now - last > TimeUnit.SECONDS.toNanos(1) && lastRefusalLog.compareAndSet(last, now)) {
      log.warn("{} commands are waiting for Redis: refusing new ones ({} refused so far)", limit, n);
    }
    return new RefusedException();
  }

  /** Whether every connection of this link is up now. */
  boolean isUp() {
    return down.isEmpty();
  }

  /** How many times the link went from up to down since it was opened. */
  long losses() {
    return losses.get();
  }

  /** Follows the connections going and coming back: one line each time the link as a whole is lost or back. */
  private final class LinkState implements io.lettuce.core.RedisConnectionStateListener {
    @Override
    public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> c, java.net.SocketAddress address) {
      boolean back;
      synchronized (down) { // the link's connections report on different threads: one state change at a time
        back = down.remove(c) && down.isEmpty();
      }
      if (back && !closing) {
        clusterLog.info("Redis at {} is back", address);
      }
    }

    @Override
    public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> c) {
      if (closing) {
        return;
      }
      boolean lost;
      synchronized (down) { // two connections dropping at once are one loss, not two
        boolean wasUp = down.isEmpty();
        lost = down.add(c) && wasUp;
      }
      if (lost) {
        losses.incrementAndGet();
        clusterLog.warn("Redis is lost: the cluster is unreachable from this server until it is back "
            + "({} losses so far)", losses.get());
      }
    }
  }

  /** How many commands wait for their replies now. */
  int pendingCommands() {
    return pending.get();
  }

  /** The number of publications refused because {@code maxPendingCommands} were already waiting. */
  long refusedCommands() {
    return refused.get();
  }

  /** The subscribers of a channel; on a Redis Cluster, summed over every node (each counts its own). */
  CompletionStage<Integer> numsub(String channel) {
    if (cluster) {
      return ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) pub).all().commands().pubsubNumsub(bytes(channel))
          .thenApply(RedisLink::sum);
    }
    return pub.pubsubNumsub(bytes(channel)).thenApply(RedisLink::count);
  }

  /** The shard subscribers of a channel; on a Redis Cluster, summed over the masters (one of them holds them). */
  CompletionStage<Integer> shardNumsub(String channel) {
    if (cluster) {
      return ((RedisAdvancedClusterAsyncCommands<byte[], byte[]>) pub).upstream().commands()
          .pubsubShardNumsub(bytes(channel)).thenApply(RedisLink::sum);
    }
    return pub.pubsubShardNumsub(bytes(channel)).thenApply(RedisLink::count);
  }

  private static Integer sum(List<Map<byte[], Long>> perNode) {
    int n = 0;
    for (Map<byte[], Long> m : perNode) {
      n += count(m);
    }
    return n;
  }

  private static Integer count(Map<byte[], Long> m) {
    long n = 0;
    for (Long v : m.values()) {
      n += v == null ? 0 : v;
    }
    return (int) n;
  }

  // ---- subscriptions ----

  void subscribe(String channel, Handler h) {
    channels.put(channel, h);
    logFailure(sub.async().subscribe(bytes(channel)), "SUBSCRIBE", channel);
  }

  void psubscribe(String pattern, Handler h) {
    patterns.put(pattern, h);
    logFailure(sub.async().psubscribe(bytes(pattern)), "PSUBSCRIBE", pattern);
  }

  void ssubscribe(String channel, Handler h) {
    shardChannels.put(channel, h);
    logFailure(sub.async().ssubscribe(bytes(channel)), "SSUBSCRIBE", channel);
  }

  void unsubscribe(String channel) {
    if (channels.remove(channel) != null) {
      logFailure(sub.async().unsubscribe(bytes(channel)), "UNSUBSCRIBE", channel);
    }
  }

  void punsubscribe(String pattern) {
    if (patterns.remove(pattern) != null) {
      logFailure(sub.async().punsubscribe(bytes(pattern)), "PUNSUBSCRIBE", pattern);
    }
  }

  void sunsubscribe(String channel) {
    if (shardChannels.remove(channel) != null) {
      logFailure(sub.async().sunsubscribe(bytes(channel)), "SUNSUBSCRIBE", channel);
    }
  }

  private static void logFailure(CompletionStage<?> s, String what, String channel) {
    s.whenComplete((v, e) -> {
      if (e != null) {
        log.debug("{} {} failed (retried on reconnection): {}", what, channel, e.toString());
      }
    });
  }

  /** Counts and logs (at most once a second, so junk cannot flood the log) a message that could not be decoded. */
  void undecodable(String who, String channel, int size, String why) {
    long n = undecodable.incrementAndGet();
    if (mayLog()) {
      log.warn("[{}] dropped an undecodable message of {} bytes on {}: {} ({} undecodable so far)", who, size,
          channel, why, n);
    }
  }

  private boolean mayLog() {
    long now = System.nanoTime();
    long last = lastDropLog.get();
    return (last == 0 || now - last > TimeUnit.SECONDS.toNanos(1)) && lastDropLog.compareAndSet(last, now);
  }

  /** Counts and logs (at most once a second) a received payload dropped for its size. */
  void oversized(String where, int size, int limit) {
    long n = dropped.incrementAndGet();
    if (mayLog()) {
      log.warn("dropped a message of {} bytes on {} (limit {}; {} oversized so far)", size, where, limit, n);
    }
  }

  /** The number of received payloads dropped because they could not be decoded. */
  long undecodableMessages() {
    return undecodable.get();
  }

  /** The number of received payloads dropped for their size. */
  long droppedOversized() {
    return dropped.get();
  }

  // ---- RedisPubSubListener ----

  @Override
  public void message(byte[] channel, byte[] message) {
    String c = text(channel);
    route(channels.get(c), c, message);
  }

  @Override
  public void message(byte[] pattern, byte[] channel, byte[] message) {
    route(patterns.get(text(pattern)), text(channel), message);
  }

  @Override
  public void smessage(byte[] shardChannel, byte[] message) {
    String c = text(shardChannel);
    route(shardChannels.get(c), c, message);
  }

  private void route(Handler h, String channel, byte[] message) {
    if (h == null) {
      return;
    }
    if (message.length > maxMessageSize) {
      oversized(channel, message.length, maxMessageSize);
      return;
    }
    try {
      h.accept(channel, message);
    } catch (RuntimeException e) {
      // a message that decoded but could not be handled is junk too: one line, at most once a second, no stack trace
      long n = failed.incrementAndGet();
      if (mayLog()) {
        log.warn("dropped a message on {} that could not be handled: {} ({} so far)", channel, e.toString(), n);
      }
      log.debug("handler of {} failed", channel, e);
    }
  }

  @Override
  public void subscribed(byte[] channel, long count) {}

  @Override
  public void psubscribed(byte[] pattern, long count) {}

  @Override
  public void unsubscribed(byte[] channel, long count) {}

  @Override
  public void punsubscribed(byte[] pattern, long count) {}

  @Override
  public void close() {
    closing = true;
    try {
      for (StatefulConnection<byte[], byte[]> c : dedicated) {
        c.close();
      }
      if (sub != null) {
        sub.close();
      }
      pubConnection.close();
    } catch (RuntimeException e) {
      log.debug("closing the Redis connections: {}", e.toString());
    }
    if (ownsClient) {
      shutdown();
    }
  }

  private void shutdown() {
    client.shutdown(0, 2, TimeUnit.SECONDS);
    if (resources != null) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
