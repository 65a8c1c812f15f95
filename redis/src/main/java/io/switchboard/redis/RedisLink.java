package io.switchboard.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis connections of one server (or emitter): one for commands, one in subscribed state, with the routing of
 * received messages to the adapters of each namespace.
 *
 * <p>Both connections reconnect by themselves, and the subscribed one subscribes again to everything it had. Commands
 * issued while Redis is away fail at once (pub/sub delivers at most once: nothing is kept for later), and while it is
 * there at most {@link RedisAdapterOptions#maxPendingCommands()} may wait for their replies; beyond that they fail at
 * once too (and the caller logs it). So the outgoing buffer is bounded whatever Redis does. Received payloads above {@link RedisAdapterOptions#maxMessageSize()} are
 * dropped here. Handlers run on Lettuce's I/O threads and must not block.
 */
final class RedisLink implements RedisPubSubListener<byte[], byte[]>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

  /** Receives a message: the channel it came on, and its payload. */
  @FunctionalInterface
  interface Handler extends BiConsumer<String, byte[]> {}

  private final RedisClient client;
  private final ClientResources resources;
  private final boolean ownsClient;
  private final int maxMessageSize;
  private final StatefulRedisConnection<byte[], byte[]> pub;
  private final StatefulRedisPubSubConnection<byte[], byte[]> sub;
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

  private RedisLink(RedisClient client, ClientResources resources, boolean ownsClient, RedisAdapterOptions opts,
      boolean subscriber) {
    this.client = client;
    this.resources = resources;
    this.ownsClient = ownsClient;
    this.maxMessageSize = opts.maxMessageSize();
    this.maxPending = opts.maxPendingCommands();
    try {
      this.pub = client.connect(ByteArrayCodec.INSTANCE);
      if (subscriber) {
        this.sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        sub.addListener(this);
      } else {
        this.sub = null;
      }
    } catch (RuntimeException e) {
      if (ownsClient) {
        shutdown();
      }
      throw e;
    }
  }

  /** Connects to {@code uri} with a client of its own, set up from {@code opts}. */
  static RedisLink open(String uri, RedisAdapterOptions opts, boolean subscriber) {
    ClientResources resources = ClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(1)
        .reconnectDelay(Delay.constant(opts.reconnectDelay()))
        .build();
    RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(opts.maxPendingCommands() + 1_000) // our own bound (publish) comes first
        .timeoutOptions(TimeoutOptions.enabled(opts.commandTimeout()))
        .build());
    return new RedisLink(client, resources, true, opts, subscriber);
  }

  /** Connects with the caller's client, whose options (reconnection, queue size) stay the caller's. */
  static RedisLink open(RedisClient client, RedisAdapterOptions opts, boolean subscriber) {
    return new RedisLink(client, null, false, opts, subscriber);
  }

  // ---- commands ----

  CompletionStage<Long> publish(String channel, byte[] payload) {
    return bounded(() -> pub.async().publish(bytes(channel), payload));
  }

  CompletionStage<Long> spublish(String channel, byte[] payload) {
    return bounded(() -> pub.async().spublish(bytes(channel), payload));
  }

  /** Runs a command unless {@code maxPendingCommands} are already waiting for Redis; then fails it at once. */
  private <T> CompletionStage<T> bounded(java.util.function.Supplier<CompletionStage<T>> command) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      long n = refused.incrementAndGet();
      long now = System.nanoTime();
      long last = lastRefusalLog.get();
      if (now - last > TimeUnit.SECONDS.toNanos(1) && lastRefusalLog.compareAndSet(last, now)) {
        log.warn("{} commands are waiting for Redis: refusing new ones ({} refused so far)", maxPending, n);
      }
      return CompletableFuture.failedFuture(new IllegalStateException("too many commands waiting for Redis"));
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

  /** The number of publications refused because {@code maxPendingCommands} were already waiting. */
  long refusedCommands() {
    return refused.get();
  }

  CompletionStage<Integer> numsub(String channel) {
    return pub.async().pubsubNumsub(bytes(channel)).thenApply(RedisLink::count);
  }

  CompletionStage<Integer> shardNumsub(String channel) {
    return pub.async().pubsubShardNumsub(bytes(channel)).thenApply(RedisLink::count);
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
      long n = dropped.incrementAndGet();
      if (mayLog()) {
        log.warn("dropped a message of {} bytes on {} (limit {}; {} oversized so far)", message.length, channel,
            maxMessageSize, n);
      }
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
    try {
      if (sub != null) {
        sub.close();
      }
      pub.close();
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
