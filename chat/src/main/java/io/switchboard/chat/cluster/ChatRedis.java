package io.switchboard.chat.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's own Redis connection, for the state its nodes share besides the adapter's messages: the flood limit and
 * who is typing. Every call is short and bounded: when Redis is away (or slow to answer) it throws
 * {@link Unavailable} at once, and the caller falls back to this node's own state.
 *
 * <pre>{@code
 * try (ChatRedis redis = ChatRedis.connect("redis://127.0.0.1:6379", "switchboard-chat")) {
 *   long allowed = redis.eval(SCRIPT, new String[] {redis.key("flood", "{alice}")}, "1000", "10", "m1");
 * }
 * }</pre>
 *
 * <p>It logs once at INFO when the connection is lost and when it is back.
 */
public final class ChatRedis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChatRedis.class);
  /** The longest a caller waits for an answer before it falls back. */
  static final Duration TIMEOUT = Duration.ofMillis(300);

  private final RedisClient client;
  private final ClientResources resources;
  private final StatefulRedisConnection<String, String> connection;
  private final String prefix;
  private final String where;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private volatile boolean closed;
  private final AtomicLong lastSlowLog = new AtomicLong();
  private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "chat-redis");
    t.setDaemon(true);
    return t;
  });

  /** A call that could not be made or answered in time: use the local state instead. */
  public static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private ChatRedis(RedisClient client, ClientResources resources, StatefulRedisConnection<String, String> connection,
      String prefix, String where) {
    this.client = client;
    this.resources = resources;
    this.connection = connection;
    this.prefix = prefix;
    this.where = where;
  }

  /**
   * Connects to {@code uri}; fails if Redis does not answer now. Keys are {@code keyPrefix:chat:…}.
   *
   * @throws IllegalStateException if it cannot connect
   */
  public static ChatRedis connect(String uri, String keyPrefix) {
    RedisURI redisUri = RedisURI.create(uri);
    ClientResources resources = ClientResources.builder()
        .ioThreadPoolSize(2) // Lettuce's least
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2, TimeUnit.MILLISECONDS))
        .build();
    RedisClient client = RedisClient.create(resources, redisUri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
        .build());
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      ChatRedis redis = new ChatRedis(client, resources, c, keyPrefix + ":chat:", redisUri.getHost() + ":" + redisUri.getPort());
      client.addListener(redis.new StateLog());
      return redis;
    } catch (RuntimeException e) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw new IllegalStateException("cannot connect to Redis at " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The full name of a key: the prefix, then the parts joined by {@code :}. */
  public String key(String... parts) {
    return prefix + String.join(":", parts);
  }

  /** Whether the connection is up (as far as the client knows). */
  public boolean isUp() {
    return up.get() && connection.isOpen();
  }

  /** Where to run calls that nobody waits for (timers must not wait on Redis). */
  public Executor background() {
    return background;
  }

  /** Runs a Lua script that returns an integer; waits at most {@link #TIMEOUT}. */
  public long eval(String script, String[] keys, String... args) throws Unavailable {
    if (!isUp()) {
      throw new Unavailable("Redis is not connected");
    }
    try {
      Long result = connection.async().<Long>eval(script, ScriptOutputType.INTEGER, keys, args)
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return result == null ? 0 : result;
    } catch (TimeoutException e) {
      slow("did not answer within " + TIMEOUT.toMillis() + " ms");
      throw new Unavailable("Redis did not answer in time");
    } catch (ExecutionException e) {
      slow(e.getCause() == null ? e.toString() : e.getCause().toString());
      throw new Unavailable("Redis failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  private void slow(String why) {
    long now = System.nanoTime();
    long last = lastSlowLog.get();
    if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(10)) && lastSlowLog.compareAndSet(last, now)) {
      log.warn("Redis at {} {}: flood limits and typing use this node's own state meanwhile", where, why);
    }
  }

  @Override
  public void close() {
    closed = true;
    background.shutdownNow();
    try {
      connection.close();
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }

  /** Logs the connection going and coming back, once each time. */
  private final class StateLog implements RedisConnectionStateListener {
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress address) {
      if (up.compareAndSet(false, true)) {
        log.info("Redis at {} is back: flood limits and typing are cluster-wide again", where);
      }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
      if (up.compareAndSet(true, false) && !closed) {
        log.info("Redis at {} is lost: flood limits and typing use this node's own state until it is back", where);
      }
    }
  }
}
