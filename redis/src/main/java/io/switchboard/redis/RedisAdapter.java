package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.BroadcastFlags;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.ClusterAdapter;
import io.switchboard.server.Namespace;
import io.switchboard.server.Socket;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterResponse;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The adapter of one namespace in the classic mode of {@code @socket.io/redis-adapter} (PUBLISH and PSUBSCRIBE), on
 * the wire exactly as the Node adapter and the Node emitter: Java and Node servers share one cluster.
 *
 * <pre>{@code
 * RedisAdapterFactory redis = RedisAdapterFactory.create("redis://127.0.0.1:6379");
 * Server io = new Server(ServerOptions.builder().adapter(redis).build());
 * }</pre>
 *
 * <p>It maps the cluster messages of {@link ClusterAdapter} to the classic formats (see {@code PROTOCOL.md}): broadcasts
 * as {@code [uid, packet, opts]} on {@code key#nsp#} (or {@code key#nsp#room#}), requests by type on
 * {@code key-request#nsp#}, answers on {@code key-response#nsp#[uid#]}. The server count is the number of subscribers
 * of the request channel. Its answers also carry a {@code uid} field, which Node ignores and Java requesters use to
 * name the servers that stayed silent.
 */
final class RedisAdapter extends RedisLinkAdapter {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final int SOCKETS = 0;
  private static final int ALL_ROOMS = 1;
  private static final int REMOTE_JOIN = 2;
  private static final int REMOTE_LEAVE = 3;
  private static final int REMOTE_DISCONNECT = 4;
  private static final int REMOTE_FETCH = 5;
  private static final int SERVER_SIDE_EMIT = 6;
  private static final int BROADCAST = 7;
  private static final int BROADCAST_CLIENT_COUNT = 8;
  private static final int BROADCAST_ACK = 9;

  private final RedisAdapterOptions opts;
  private final String channel;
  private final String pattern;
  private final String requestChannel;
  private final String responseChannel;
  private final String specificResponseChannel;

  RedisAdapter(Namespace nsp, RedisLink link, RedisAdapterOptions opts) {
    super(nsp, opts.requestsTimeout(), link);
    this.opts = opts;
    this.channel = opts.key() + "#" + nsp.name() + "#";
    this.pattern = globEscape(channel) + "*";
    this.requestChannel = opts.key() + "-request#" + nsp.name() + "#";
    this.responseChannel = opts.key() + "-response#" + nsp.name() + "#";
    this.specificResponseChannel = responseChannel + uid() + "#";
    link.psubscribe(pattern, this::onBroadcastChannel);
    link.subscribe(requestChannel, (c, m) -> onRequest(m));
    link.subscribe(responseChannel, (c, m) -> onResponseMessage(m));
    link.subscribe(specificResponseChannel, (c, m) -> onResponseMessage(m));
  }

  @Override
  public CompletionStage<Integer> serverCount() {
    return link.numsub(requestChannel);
  }

  @Override
  public void close() {
    super.close();
    link.punsubscribe(pattern);
    link.unsubscribe(requestChannel);
    link.unsubscribe(responseChannel);
    link.unsubscribe(specificResponseChannel);
  }

  // ---- sending ----

  @Override
  protected CompletionStage<Void> doPublish(ClusterMessage m) {
    ClusterMessageMapper map = mapper();
    if (m instanceof ClusterMessage.Broadcast b && b.requestId() == null) {
      ArrayNode msg = NODES.arrayNode().add(uid());
      msg.add(map.packetToTree(b.packet()));
      msg.add(map.optionsToTree(b.opts()));
      String target = b.opts().rooms().size() == 1 ? channel + b.opts().rooms().iterator().next() + "#" : channel;
      return done(link.publish(target, opts.parser().encode(msg)));
    }
    ObjectNode req = NODES.objectNode();
    req.put("uid", uid());
    if (m instanceof ClusterMessage.Broadcast b) {
      req.put("requestId", b.requestId()).put("type", BROADCAST);
      req.set("packet", map.packetToTree(b.packet()));
      req.set("opts", map.optionsToTree(b.opts()));
      return done(link.publish(requestChannel, opts.parser().encode(req)));
    } else if (m instanceof ClusterMessage.SocketsJoin j) {
      req.put("type", REMOTE_JOIN).set("opts", plainOptions(j.opts()));
      req.set("rooms", ClusterMessageMapper.strings(j.rooms()));
    } else if (m instanceof ClusterMessage.SocketsLeave l) {
      req.put("type", REMOTE_LEAVE).set("opts", plainOptions(l.opts()));
      req.set("rooms", ClusterMessageMapper.strings(l.rooms()));
    } else if (m instanceof ClusterMessage.DisconnectSockets d) {
      req.put("type", REMOTE_DISCONNECT).set("opts", plainOptions(d.opts()));
      req.put("close", d.close());
    } else if (m instanceof ClusterMessage.FetchSockets f) {
      req.put("requestId", f.requestId()).put("type", REMOTE_FETCH).set("opts", plainOptions(f.opts()));
    } else if (m instanceof ClusterMessage.ServerSideEmit s) {
      if (s.requestId() != null) {
        req.put("requestId", s.requestId());
      }
      req.put("type", SERVER_SIDE_EMIT).set("data", s.packet());
    } else {
      return CompletableFuture.completedFuture(null); // presence: the classic protocol counts subscribers instead
    }
    return done(link.publish(requestChannel, RedisParser.json(req)));
  }

  @Override
  protected CompletionStage<Void> doPublishResponse(String requesterUid, ClusterResponse r) {
    ObjectNode res = NODES.objectNode();
    byte[] payload;
    if (r instanceof ClusterResponse.FetchSocketsResponse f) {
      res.put("requestId", f.requestId());
      ArrayNode sockets = res.putArray("sockets");
      f.sockets().forEach(s -> sockets.add(mapper().socketToTree(s)));
      res.put("uid", uid());
      payload = RedisParser.json(res);
    } else if (r instanceof ClusterResponse.ServerSideEmitResponse s) {
      res.put("type", SERVER_SIDE_EMIT).put("requestId", s.requestId()).set("data", s.packet());
      res.put("uid", uid());
      payload = RedisParser.json(res);
    } else if (r instanceof ClusterResponse.BroadcastClientCount c) {
      res.put("type", BROADCAST_CLIENT_COUNT).put("requestId", c.requestId()).put("clientCount", c.clientCount());
      res.put("uid", uid());
      payload = RedisParser.json(res);
    } else {
      ClusterResponse.BroadcastAck a = (ClusterResponse.BroadcastAck) r;
      res.put("type", BROADCAST_ACK).put("requestId", a.requestId()).set("packet", a.packet());
      res.put("uid", uid());
      payload = opts.parser().encode(res);
    }
    return done(link.publish(responseChannelOf(requesterUid), payload));
  }

  private String responseChannelOf(String requesterUid) {
    return opts.publishOnSpecificResponseChannel() && requesterUid != null
        ? responseChannel + requesterUid + "#" : responseChannel;
  }

  private static ObjectNode plainOptions(BroadcastOptions o) {
    ObjectNode t = NODES.objectNode();
    t.set("rooms", ClusterMessageMapper.strings(o.rooms()));
    t.set("except", ClusterMessageMapper.strings(o.except()));
    return t;
  }

  private static CompletionStage<Void> done(CompletionStage<?> s) {
    return s.thenApply(x -> null);
  }

  // ---- receiving ----

  private void onBroadcastChannel(String ch, byte[] payload) {
    if (!ch.startsWith(channel)) {
      return;
    }
    try {
      JsonNode msg = RedisParser.decode(payload);
      if (!msg.isArray() || msg.size() < 3) {
        throw new IllegalArgumentException("not [uid, packet, opts]");
      }
      JsonNode uid = msg.get(0);
      onMessage(new ClusterMessage.Broadcast(uid.isTextual() ? uid.textValue() : null,
          packetNsp(msg.get(1)), mapper().treeToPacket(msg.get(1), "/"), mapper().treeToOptions(msg.get(2)), null));
    } catch (IllegalArgumentException e) {
      junk(ch, payload, e);
    }
  }

  private String packetNsp(JsonNode packet) {
    JsonNode n = packet == null ? null : packet.get("nsp");
    return n == null || n.isNull() ? "/" : n.asText();
  }

  private void onRequest(byte[] payload) {
    JsonNode req;
    try {
      req = RedisParser.decode(payload);
      if (!req.isObject() || !req.path("type").isIntegralNumber()) {
        throw new IllegalArgumentException("request without a numeric type");
      }
    } catch (IllegalArgumentException e) {
      junk(requestChannel, payload, e);
      return;
    }
    String from = req.path("uid").isTextual() ? req.get("uid").textValue() : null;
    String requestId = req.path("requestId").isValueNode() ? req.get("requestId").asText() : null;
    String name = nsp.name();
    try {
      switch (req.get("type").intValue()) {
        case SOCKETS -> {
          if (isPendingRequest(requestId)) {
            return;
          }
          ObjectNode res = NODES.objectNode().put("requestId", requestId);
          res.set("sockets", ClusterMessageMapper.strings(sockets(ClusterMessageMapper.roomSet(req.get("rooms")))));
          link.publish(responseChannelOf(from), RedisParser.json(res));
        }
        case ALL_ROOMS -> {
          if (isPendingRequest(requestId)) {
            return;
          }
          ObjectNode res = NODES.objectNode().put("requestId", requestId);
          res.set("rooms", ClusterMessageMapper.strings(rooms()));
          link.publish(responseChannelOf(from), RedisParser.json(res));
        }
        case REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT -> onSocketsRequest(req, from, requestId);
        case REMOTE_FETCH -> {
          if (!isPendingRequest(requestId)) {
            onMessage(new ClusterMessage.FetchSockets(from, name, options(req.get("opts")), text(requestId)));
          }
        }
        case SERVER_SIDE_EMIT -> onMessage(new ClusterMessage.ServerSideEmit(from, name,
            ClusterMessageMapper.eventArray(req.get("data")), requestId));
        case BROADCAST -> {
          if (!isPendingRequest(requestId)) {
            onMessage(new ClusterMessage.Broadcast(from, name, mapper().treeToPacket(req.get("packet"), name),
                mapper().treeToOptions(req.get("opts")), text(requestId)));
          }
        }
        default -> junk(requestChannel, payload, new IllegalArgumentException("unknown request type "
            + req.get("type")));
      }
    } catch (IllegalArgumentException e) {
      junk(requestChannel, payload, e);
    }
  }

  private void onSocketsRequest(JsonNode req, String from, String requestId) {
    int type = req.get("type").intValue();
    String name = nsp.name();
    if (req.has("opts")) {
      BroadcastOptions o = options(req.get("opts"));
      if (type == REMOTE_JOIN) {
        onMessage(new ClusterMessage.SocketsJoin(from, name, o, ClusterMessageMapper.roomSet(req.get("rooms"))));
      } else if (type == REMOTE_LEAVE) {
        onMessage(new ClusterMessage.SocketsLeave(from, name, o, ClusterMessageMapper.roomSet(req.get("rooms"))));
      } else {
        onMessage(new ClusterMessage.DisconnectSockets(from, name, o, req.path("close").asBoolean(false)));
      }
      return;
    }
    // the older form, aimed at one socket by id, answered when the socket is here
    Socket socket = nsp.sockets().get(req.path("sid").asText(""));
    if (socket == null) {
      return;
    }
    if (type == REMOTE_JOIN) {
      socket.join(req.path("room").asText());
    } else if (type == REMOTE_LEAVE) {
      socket.leave(req.path("room").asText());
    } else {
      socket.disconnect(req.path("close").asBoolean(false));
    }
    if (requestId != null) {
      link.publish(responseChannelOf(from), RedisParser.json(NODES.objectNode().put("requestId", requestId)));
    }
  }

  private BroadcastOptions options(JsonNode o) {
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("opts is not an object");
    }
    return new BroadcastOptions(ClusterMessageMapper.roomSet(o.get("rooms")),
        ClusterMessageMapper.roomSet(o.get("except")), BroadcastFlags.DEFAULT);
  }

  private static String text(String requestId) {
    if (requestId == null) {
      throw new IllegalArgumentException("missing requestId");
    }
    return requestId;
  }

  private void onResponseMessage(byte[] payload) {
    JsonNode res;
    try {
      res = RedisParser.decode(payload);
      if (!res.isObject() || !res.path("requestId").isValueNode()) {
        throw new IllegalArgumentException("response without requestId");
      }
    } catch (IllegalArgumentException e) {
      junk(responseChannel, payload, e);
      return;
    }
    String requestId = res.get("requestId").asText();
    if (!isPendingRequest(requestId)) {
      return; // another server's request, or one that timed out
    }
    String from = res.path("uid").isTextual() ? res.get("uid").textValue() : null;
    String name = nsp.name();
    try {
      int type = res.path("type").isIntegralNumber() ? res.get("type").intValue() : -1;
      if (type == BROADCAST_CLIENT_COUNT) {
        JsonNode c = res.path("clientCount");
        if (!c.canConvertToInt() || c.intValue() < 0) {
          throw new IllegalArgumentException("bad clientCount");
        }
        onResponse(new ClusterResponse.BroadcastClientCount(from, name, requestId, c.intValue()));
      } else if (type == BROADCAST_ACK) {
        onResponse(new ClusterResponse.BroadcastAck(from, name, requestId, res.get("packet")));
      } else if (type == SERVER_SIDE_EMIT) {
        onResponse(new ClusterResponse.ServerSideEmitResponse(from, name, requestId, res.get("data")));
      } else if (res.path("sockets").isArray()) {
        onResponse(new ClusterResponse.FetchSocketsResponse(from, name, requestId,
            mapper().treeToSockets(res.get("sockets"))));
      }
    } catch (IllegalArgumentException e) {
      junk(responseChannel, payload, e);
    }
  }

  private void junk(String ch, byte[] payload, Exception e) {
    link.undecodable(uid(), ch, payload.length, e.getMessage());
  }

  static String globEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 4);
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
