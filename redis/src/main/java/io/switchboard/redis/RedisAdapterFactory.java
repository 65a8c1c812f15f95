package io.switchboard.redis;

import io.lettuce.core.RedisClient;
import io.switchboard.server.Adapter;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.Namespace;
import java.util.List;
import java.util.Objects;

/**
 * Makes the Redis adapter of each namespace of one server, over two Redis connections that the factory owns: pass it
 * as the server's adapter, close it after the server.
 *
 * <pre>{@code
 * try (RedisAdapterFactory redis = RedisAdapterFactory.create("redis://127.0.0.1:6379")) {
 *   Server io = new Server(ServerOptions.builder().adapter(redis).build());
 *   io.listen(3000);
 *   ...
 *   io.close();
 * }
 * }</pre>
 *
 * <p>Each server needs a factory of its own: Redis counts the servers by their subscribed connections. On a Redis
 * Cluster use {@link #createCluster}.
 */
public final class RedisAdapterFactory implements AdapterFactory, AutoCloseable {
  private final RedisLink link;
  private final RedisAdapterOptions options;

  private RedisAdapterFactory(RedisLink link, RedisAdapterOptions options) {
    this.link = link;
    this.options = options;
  }

  /**
   * Connects to {@code redisUri} (e.g. {@code redis://host:6379}) with the default options.
   *
   * @param redisUri a Lettuce Redis URI: {@code redis://[user:password@]host[:port][/database]}, {@code rediss://}
   *     for TLS
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisAdapterFactory create(String redisUri) {
    return create(redisUri, RedisAdapterOptions.DEFAULT);
  }

  /**
   * Connects to {@code redisUri} with a Lettuce client of its own, set up from {@code options}.
   *
   * @param redisUri a Lettuce Redis URI, such as {@code redis://host:6379}
   * @param options the adapter's options
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisAdapterFactory create(String redisUri, RedisAdapterOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisAdapterFactory(RedisLink.open(redisUri, options, true), options);
  }

  /**
   * Connects through the caller's Lettuce client (which the caller shuts down); its own options govern
   * reconnection and queueing.
   *
   * @param client the Lettuce client to connect with; the factory neither configures nor shuts it down
   * @param options the adapter's options
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisAdapterFactory create(RedisClient client, RedisAdapterOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisAdapterFactory(RedisLink.open(client, options, true), options);
  }

  /**
   * Connects to a Redis Cluster through any of its nodes ({@code redis://host:port} each), with a Lettuce
   * cluster client of its own. The sharded mode suits a cluster best: each channel lives on the node of its slot.
   *
   * @param nodes the URIs of some nodes of the cluster ({@code redis://host:port} each); the others are discovered
   * @param options the adapter's options
   * @return the factory, for {@code ServerOptions.builder().adapter(...)}
   * @throws IllegalArgumentException if {@code nodes} is empty
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisAdapterFactory createCluster(List<String> nodes, RedisAdapterOptions options) {
    Objects.requireNonNull(options, "options");
    return new RedisAdapterFactory(RedisLink.openCluster(nodes, options.linkSettings(), true), options);
  }

  /** {@return the options} */
  public RedisAdapterOptions options() {
    return options;
  }

  @Override
  public Adapter create(Namespace namespace) {
    return options.mode() == RedisMode.SHARDED
        ? new ShardedRedisAdapter(namespace, link, options)
        : new RedisAdapter(namespace, link, options);
  }

  /**
   * {@return the number of received messages dropped because they exceeded {@link
   * RedisAdapterOptions#maxMessageSize()}}
   */
  public long droppedOversized() {
    return link.droppedOversized();
  }

  /** {@return the number of received messages dropped because they could not be decoded (junk, unknown types)} */
  public long undecodableMessages() {
    return link.undecodableMessages();
  }

  /**
   * {@return the number of publications refused because {@link RedisAdapterOptions#maxPendingCommands()} were waiting}
   */
  public long refusedCommands() {
    return link.refusedCommands();
  }

  /** Closes the Redis connections (and the client, when the factory made it). */
  @Override
  public void close() {
    link.close();
  }
}
