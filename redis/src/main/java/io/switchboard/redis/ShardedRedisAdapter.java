package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.Namespace;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterMessageType;
import io.switchboard.server.cluster.ClusterResponse;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapter of one namespace in the sharded mode of {@code @socket.io/redis-adapter} (Redis 7 SPUBLISH and
 * SSUBSCRIBE): the cluster-adapter messages as they are, on {@code key#nsp#}, {@code key#nsp#uid#} for answers, and
 * {@code key#nsp#room#} per local room in the dynamic subscription modes.
 *
 * <pre>{@code
 * RedisAdapterFactory redis = RedisAdapterFactory.create("redis://127.0.0.1:6379",
 *     RedisAdapterOptions.builder().mode(RedisMode.SHARDED).build());
 * }</pre>
 *
 * <p>Messages are JSON, or msgpack when their type may carry binary and they do; the server count is the number of
 * shard subscribers of the main channel.
 */
final class ShardedRedisAdapter extends RedisLinkAdapter {
  private static final Set<ClusterMessageType> MAY_CARRY_BINARY = Set.of(ClusterMessageType.BROADCAST,
      ClusterMessageType.BROADCAST_ACK, ClusterMessageType.FETCH_SOCKETS_RESPONSE,
      ClusterMessageType.SERVER_SIDE_EMIT, ClusterMessageType.SERVER_SIDE_EMIT_RESPONSE);

  private final SubscriptionMode mode;
  private final String channel;
  private final String responseChannel;
  private final Set<String> roomChannels = ConcurrentHashMap.newKeySet();

  ShardedRedisAdapter(Namespace nsp, RedisLink link, RedisAdapterOptions opts) {
    super(nsp, opts.requestsTimeout(), link);
    this.mode = opts.subscriptionMode();
    this.channel = opts.key() + "#" + nsp.name() + "#";
    this.responseChannel = channel + uid() + "#";
    link.ssubscribe(channel, this::onRaw);
    link.ssubscribe(responseChannel, this::onRaw);
  }

  @Override
  public CompletionStage<Integer> serverCount() {
    return link.shardNumsub(channel);
  }

  @Override
  protected void onRoomCreated(String room) {
    if (separateChannel(room, !socketRooms(room).isEmpty())) {
      String c = channel + room + "#";
      if (roomChannels.add(c)) {
        link.ssubscribe(c, this::onRaw);
      }
    }
  }

  @Override
  protected void onRoomDeleted(String room) {
    String c = channel + room + "#";
    if (roomChannels.remove(c)) {
      link.sunsubscribe(c);
    }
  }

  private boolean separateChannel(String room, boolean isSocketId) {
    return mode == SubscriptionMode.DYNAMIC_PRIVATE || (mode == SubscriptionMode.DYNAMIC && !isSocketId);
  }

  @Override
  public void close() {
    super.close();
    link.sunsubscribe(channel);
    link.sunsubscribe(responseChannel);
    roomChannels.forEach(link::sunsubscribe);
    roomChannels.clear();
  }

  @Override
  protected CompletionStage<Void> doPublish(ClusterMessage m) {
    return link.spublish(channelOf(m), encode(m.type(), mapper().toTree(m))).thenApply(x -> null);
  }

  @Override
  protected CompletionStage<Void> doPublishResponse(String requesterUid, ClusterResponse r) {
    return link.spublish(channel + requesterUid + "#", encode(r.type(), mapper().toTree(r))).thenApply(x -> null);
  }

  private String channelOf(ClusterMessage m) {
    if (m instanceof ClusterMessage.Broadcast b && b.requestId() == null && b.opts().rooms().size() == 1) {
      String room = b.opts().rooms().iterator().next();
      boolean looksLikeSocketId = room.length() == 20;
      if (mode == SubscriptionMode.DYNAMIC_PRIVATE || (mode == SubscriptionMode.DYNAMIC && !looksLikeSocketId)) {
        return channel + room + "#";
      }
    }
    return channel;
  }

  private static byte[] encode(ClusterMessageType type, ObjectNode tree) {
    return MAY_CARRY_BINARY.contains(type) && RedisParser.hasBinary(tree.get("data"))
        ? NotepackCodec.encode(tree) : RedisParser.json(tree);
  }

  private void onRaw(String ch, byte[] payload) {
    try {
      JsonNode tree = RedisParser.decode(payload);
      ClusterMessageType type = ClusterMessageMapper.typeOf(tree);
      if (type == null) {
        throw new IllegalArgumentException("unknown message type " + tree.get("type"));
      }
      if (type.isResponse()) {
        onResponse(mapper().readResponse(tree));
      } else {
        onMessage(mapper().readMessage(tree));
      }
    } catch (IllegalArgumentException e) {
      link.undecodable(uid(), ch, payload.length, e.getMessage());
    }
  }
}
