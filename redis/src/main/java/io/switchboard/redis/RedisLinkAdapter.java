package io.switchboard.redis;

import io.switchboard.server.ClusterAdapter;
import io.switchboard.server.Namespace;
import java.time.Duration;

/**
 * A cluster adapter on a {@link RedisLink}, the base of the classic, sharded and streams adapters: it reports the
 * state of the link (up, and how many times it was lost) as the cluster's.
 *
 * <pre>{@code
 * final class ShardedRedisAdapter extends RedisLinkAdapter {
 *   ShardedRedisAdapter(Namespace nsp, RedisLink link, RedisAdapterOptions opts) {
 *     super(nsp, opts.requestsTimeout(), link);
 *     link.ssubscribe(opts.key() + "#" + nsp.name() + "#", this::onRaw);
 *   }
 * }
 * }</pre>
 */
abstract class RedisLinkAdapter extends ClusterAdapter {
  /** The connections to Redis that this adapter publishes and subscribes on, shared with the other namespaces. */
  final RedisLink link;

  RedisLinkAdapter(Namespace nsp, Duration requestsTimeout, RedisLink link) {
    super(nsp, requestsTimeout);
    this.link = link;
  }

  @Override
  public boolean linkUp() {
    return link.isUp();
  }

  @Override
  public long linkLosses() {
    return link.losses();
  }
}
