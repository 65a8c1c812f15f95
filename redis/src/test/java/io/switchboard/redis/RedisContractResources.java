package io.switchboard.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.switchboard.server.cluster.ClusterAdapterContract.SilentNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What a cluster adapter contract test on Redis opens for each cluster and closes with it (its adapter factories),
 * and the contract's silent members on Redis: subscribers of a cluster's channels that the server count includes but
 * that never answer.
 *
 * <pre>{@code
 * private final RedisContractResources resources = new RedisContractResources();
 *
 * protected AdapterFactory adapterFactory(String cluster, int index) {
 *   return resources.keep(cluster, RedisAdapterFactory.create(RedisTests.URI, options(cluster)));
 * }
 *
 * protected SilentNode addSilentNode(String cluster) {
 *   return RedisContractResources.silentSubscriber(RedisClient.create(RedisTests.URI),
 *       conn -> conn.sync().subscribe(cluster + "#/#"));
 * }
 *
 * protected void closeCluster(String cluster) {
 *   resources.close(cluster);
 * }
 * }</pre>
 */
final class RedisContractResources {
  private final Map<String, List<AutoCloseable>> byCluster = new ConcurrentHashMap<>();

  /** Keeps {@code resource} to close with the cluster named {@code cluster}, and returns it. */
  <T extends AutoCloseable> T keep(String cluster, T resource) {
    byCluster.computeIfAbsent(cluster, k -> new ArrayList<>()).add(resource);
    return resource;
  }

  /** Closes what was kept for the cluster named {@code cluster}, in the order it was kept. */
  void close(String cluster) {
    List<AutoCloseable> list = byCluster.remove(cluster);
    if (list != null) {
      for (AutoCloseable c : list) {
        try {
          c.close();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  /** A silent member on a single Redis: a pub/sub connection of {@code client} that {@code subscribe} subscribes. */
  static SilentNode silentSubscriber(RedisClient client,
      Consumer<StatefulRedisPubSubConnection<String, String>> subscribe) {
    return silentSubscriber(client, client.connectPubSub(StringCodec.UTF8), subscribe);
  }

  /** A silent member on a Redis Cluster: a pub/sub connection of {@code client} that {@code subscribe} subscribes. */
  static SilentNode silentSubscriber(RedisClusterClient client,
      Consumer<StatefulRedisPubSubConnection<String, String>> subscribe) {
    return silentSubscriber(client, client.connectPubSub(StringCodec.UTF8), subscribe);
  }

  private static SilentNode silentSubscriber(AbstractRedisClient client,
      StatefulRedisPubSubConnection<String, String> conn,
      Consumer<StatefulRedisPubSubConnection<String, String>> subscribe) {
    subscribe.accept(conn);
    return new SilentNode() {
      @Override
      public String uid() {
        return null;
      }

      @Override
      public void close() {
        conn.close();
        client.shutdown();
      }
    };
  }
}
