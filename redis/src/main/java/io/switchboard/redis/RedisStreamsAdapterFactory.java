package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.switchboard.server.Adapter;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.Namespace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes the Redis Streams adapter of each namespace of one server, wire-compatible with
 * {@code @socket.io/redis-streams-adapter} 0.3.1: pass it as the server's adapter, close it after the server.
 *
 * <pre>{@code
 * try (RedisStreamsAdapterFactory redis = RedisStreamsAdapterFactory.create("redis://127.0.0.1:6379")) {
 *   Server io = new Server(ServerOptions.builder()
 *       .adapter(redis)
 *       .connectionStateRecovery(ConnectionStateRecovery.DEFAULT)   // sessions survive the death of a server
 *       .build());
 *   io.listen(3000);
 *   ...
 *   io.close();
 * }
 * }</pre>
 *
 * <p>The factory owns the Redis connections of one server: one for commands, one subscribed to the request
 * channels, and one per stream that reads it ({@code XREAD BLOCK}) from where it stopped. Each server needs a
 * factory of its own: Redis counts the servers by their subscribed connections. On a Redis Cluster use
 * {@link #createCluster}. Creating it fails when Redis cannot
 * be reached; afterwards, commands wait for Redis while it is away, within {@link
 * RedisStreamsAdapterOptions#maxPendingCommands()}.
 */
public final class RedisStreamsAdapterFactory implements AdapterFactory, AutoCloseable {
  private final RedisLink link;
  private final RedisStreamsAdapterOptions options;
  private final Map<String, StreamReader> readers = new LinkedHashMap<>();
  private final Map<String, RedisStreamsAdapter> adapters = new ConcurrentHashMap<>();
  private final List<StreamOutbox> outboxes = new CopyOnWriteArrayList<>();

  private RedisStreamsAdapterFactory(RedisLink link, RedisStreamsAdapterOptions options) {
    this.link = link;
    this.options = options;
    try {
      if (options.streamCount() == 1) {
        readers.put(options.streamName(), newReader(options.streamName()));
      } else {
        for (int i = 0; i < options.streamCount(); i++) {
          String name = options.streamName() + "-" + i;
          readers.put(name, newReader(name));
        }
      }
    } catch (RuntimeException e) {
      link.close();
      throw e;
    }
    readers.values().forEach(StreamReader::start);
  }

  private StreamReader newReader(String key) {
    return new StreamReader(key, link, options, nsp -> {
      RedisStreamsAdapter a = adapters.get(nsp);
      return a == null ? null : a::onEntry;
    });
  }

  /**
   * Connects to {@code redisUri} (e.g. {@code redis://host:6379}) with the default options.
   *
   * @param redisUri a Lettuce Redis URI: {@code redis://[user:password@]host[:port][/database]}, {@code rediss://}
   *     for TLS
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisStreamsAdapterFactory create(String redisUri) {
    return create(redisUri, RedisStreamsAdapterOptions.DEFAULT);
  }

  /**
   * Connects to {@code redisUri} with a Lettuce client of its own, set up from {@code options}.
   *
   * @param redisUri a Lettuce Redis URI, such as {@code redis://host:6379}
   * @param options the adapter's options
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisStreamsAdapterFactory create(String redisUri, RedisStreamsAdapterOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisStreamsAdapterFactory(RedisLink.open(redisUri, options.linkSettings(), true), options);
  }

  /**
   * Connects through the caller's Lettuce client (which the caller shuts down); its own options govern
   * reconnection, queueing and timeouts (the XREAD timeout must exceed {@code blockTimeInMs}).
   *
   * @param client the Lettuce client to connect with; the factory neither configures nor shuts it down
   * @param options the adapter's options
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisStreamsAdapterFactory create(RedisClient client, RedisStreamsAdapterOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisStreamsAdapterFactory(RedisLink.open(client, options.linkSettings(), true), options);
  }

  /**
   * Connects to a Redis Cluster through any of its nodes ({@code redis://host:port} each), with a Lettuce
   * cluster client of its own: the stream, the session keys and (with {@code useShardedPubSub}) the channels each live
   * on the node of their slot; the server count adds up the subscribers of every node.
   *
   * @param nodes the URIs of some nodes of the cluster ({@code redis://host:port} each); the others are discovered
   * @param options the adapter's options
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws IllegalArgumentException if {@code nodes} is empty
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisStreamsAdapterFactory createCluster(List<String> nodes, RedisStreamsAdapterOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisStreamsAdapterFactory(RedisLink.openCluster(nodes, options.linkSettings(), true), options);
  }

  /** {@return the options} */
  public RedisStreamsAdapterOptions options() {
    return options;
  }

  /**
   * {@return the stream of a namespace: {@code streamName}, or {@code streamName-i} with {@code i} the Java (and JS)
   * string hash of the namespace name modulo {@code streamCount} (negative for a negative hash, as in the reference)}
   *
   * @param namespace the namespace's name, such as {@code "/chat"}
   * @param options the options that give {@code streamName} and {@code streamCount}
   */
  public static String streamName(String namespace, RedisStreamsAdapterOptions options) {
    return options.streamCount() == 1 ? options.streamName()
        : options.streamName() + "-" + (namespace.hashCode() % options.streamCount());
  }

  @Override
  public Adapter create(Namespace namespace) {
    String key = streamName(namespace.name(), options);
    StreamReader reader;
    synchronized (readers) {
      reader = readers.get(key);
      if (reader == null) {
        // a negative hash names a stream outside 0..streamCount-1 (as in the reference, whose servers do not read
        // it): read it too
        reader = newReader(key);
        readers.put(key, reader);
        reader.start();
      }
    }
    RedisStreamsAdapter a = new RedisStreamsAdapter(namespace, this, link, reader, options);
    adapters.put(namespace.name(), a);
    return a;
  }

  /** A new outbox for the entries of one adapter, drained when the factory closes. */
  StreamOutbox outbox(String stream) {
    StreamOutbox o = new StreamOutbox(link, stream, options.maxLen(), options.maxPendingCommands(),
        options.reconnectDelay().toMillis());
    outboxes.removeIf(StreamOutbox::finished); // those of namespaces gone
    outboxes.add(o);
    return o;
  }

  void closed(RedisStreamsAdapter adapter) {
    adapters.remove(adapter.namespaceName(), adapter);
  }

  /** {@return the number of received entries and messages dropped because they exceeded the maximum message size} */
  public long droppedOversized() {
    return link.droppedOversized();
  }

  /** {@return the number of received entries and messages dropped because they could not be decoded} */
  public long undecodableMessages() {
    return link.undecodableMessages();
  }

  /**
   * {@return the number of commands refused because {@link RedisStreamsAdapterOptions#maxPendingCommands()} were
   * waiting}
   */
  public long refusedCommands() {
    return link.refusedCommands();
  }

  /**
   * {@return the number of stored broadcasts (with recovery on) delivered on this server only, because their entry
   * could not be added to the stream, in the namespaces open now}
   */
  public long localOnlyBroadcasts() {
    long n = 0;
    for (RedisStreamsAdapter a : adapters.values()) {
      n += a.localOnlyBroadcasts();
    }
    return n;
  }

  /** {@return the number of commands and stream entries waiting for Redis now} */
  public int pendingCommands() {
    int n = link.pendingCommands();
    for (StreamOutbox o : outboxes) {
      n += o.waiting();
    }
    return n;
  }

  /**
   * Stops reading, waits (up to the command timeout, at most 2 s) for the commands still on their way (the sessions
   * that the server's shutdown saved, the last entries), then closes the Redis connections (and the client, when the
   * factory made it). Close the server first.
   */
  @Override
  public void close() {
    synchronized (readers) {
      readers.values().forEach(StreamReader::close);
    }
    long deadline = System.nanoTime() + Math.min(options.commandTimeout().toNanos(), 2_000_000_000L);
    while (pendingCommands() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    outboxes.forEach(StreamOutbox::abort);
    link.close();
  }
}
