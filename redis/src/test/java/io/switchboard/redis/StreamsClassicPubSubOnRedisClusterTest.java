package io.switchboard.redis;

import io.switchboard.server.AdapterFactory;

/**
 * The cluster adapter contract on a 3-master Redis Cluster, the streams adapter with its default (classic) pub/sub
 * for requests: the server count adds up the subscribers of every node.
 */
class StreamsClassicPubSubOnRedisClusterTest extends RedisClusterSupport {
  @Override
  protected AdapterFactory adapterFactory(String cluster, int index) {
    return resources.keep(cluster, RedisStreamsAdapterFactory.createCluster(redisCluster.uris(),
        StreamsRedisClusterTest.options(cluster)));
  }

  @Override
  protected SilentNode addSilentNode(String cluster) {
    return subscriber(cluster + "#/#", false);
  }
}
