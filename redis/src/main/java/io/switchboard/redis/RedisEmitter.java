package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.switchboard.server.ClusterAdapter;
import io.switchboard.server.cluster.ClusterMessageMapper;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Sends broadcasts and socket commands into a Socket.IO cluster from a process that holds no connections, as
 * {@code @socket.io/redis-emitter} does: Java and Node servers in the classic Redis mode act on them.
 *
 * <pre>{@code
 * try (RedisEmitter emitter = RedisEmitter.create("redis://127.0.0.1:6379")) {
 *   emitter.to("room1").except("muted").emit("news", Map.of("title", "hello"));
 *   emitter.of("/admin").in("ops").socketsJoin("alerts");
 *   emitter.in("banned").disconnectSockets(true);
 *   emitter.serverSideEmit("reload", 42);
 * }
 * }</pre>
 *
 * <p>Immutable: each modifier returns a new emitter over the same connection. Arguments are converted with Jackson;
 * {@code byte[]} stays binary (with the default msgpack parser). Each send completes when Redis took it, or fails;
 * nothing is retried. Only the classic mode has an emitter format (the reference emitter has no sharded one).
 */
public final class RedisEmitter implements AutoCloseable {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> RESERVED = Set.of("connect", "connect_error", "disconnect", "disconnecting",
      "newListener", "removeListener");

  private final RedisLink link;
  private final boolean owner;
  private final RedisAdapterOptions options;
  private final ObjectMapper mapper;
  private final String nsp;
  private final Set<String> rooms;
  private final Set<String> except;
  private final boolean volatileEmit;
  private final Boolean compress;

  private RedisEmitter(RedisLink link, boolean owner, RedisAdapterOptions options, ObjectMapper mapper, String nsp,
      Set<String> rooms, Set<String> except, boolean volatileEmit, Boolean compress) {
    this.link = link;
    this.owner = owner;
    this.options = options;
    this.mapper = mapper;
    this.nsp = nsp;
    this.rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
    this.except = Collections.unmodifiableSet(new LinkedHashSet<>(except));
    this.volatileEmit = volatileEmit;
    this.compress = compress;
  }

  /**
   * Connects to Redis with a Lettuce client of its own and the default key and parser.
   *
   * @param redisUri a Lettuce Redis URI: {@code redis://[user:password@]host[:port][/database]}, {@code rediss://}
   *     for TLS
   * @return an emitter for the main namespace {@code "/"} of the cluster on {@code redisUri}, to close when done
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisEmitter create(String redisUri) {
    return create(redisUri, RedisAdapterOptions.DEFAULT);
  }

  /**
   * Connects to Redis with a Lettuce client of its own, set up from {@code options}; the key and parser must be
   * those of the servers' adapters.
   *
   * @param redisUri a Lettuce Redis URI, such as {@code redis://host:6379}
   * @param options the options whose key, parser, queue bound and timeouts are used (the rest is ignored)
   * @return an emitter for the main namespace {@code "/"}, to close when done
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisEmitter create(String redisUri, RedisAdapterOptions options) {
    return new RedisEmitter(RedisLink.open(redisUri, options, false), true, options, new ObjectMapper(), "/",
        Set.of(), Set.of(), false, null);
  }

  /**
   * Connects through the caller's Lettuce client, whose own options govern reconnection and queueing.
   *
   * @param client the Lettuce client; closing the emitter closes its connection, not the client
   * @param options the options whose key and parser are used; they must be those of the servers' adapters
   * @return an emitter for the main namespace {@code "/"}, to close when done
   * @throws io.lettuce.core.RedisException if Redis cannot be reached
   */
  public static RedisEmitter create(RedisClient client, RedisAdapterOptions options) {
    return new RedisEmitter(RedisLink.open(client, options, false), true, options, new ObjectMapper(), "/",
        Set.of(), Set.of(), false, null);
  }

  /**
   * Targets another namespace, as the reference emitter's {@code of(name)}; rooms and flags start afresh.
   *
   * @param name the namespace's name ({@code "/admin"}; a leading {@code /} is added when missing)
   * @return an emitter for that namespace over the same connection
   */
  public RedisEmitter of(String name) {
    String n = name.startsWith("/") ? name : "/" + name;
    return new RedisEmitter(link, false, options, mapper, n, Set.of(), Set.of(), false, null);
  }

  /**
   * Targets the sockets in these rooms too: a socket in any of the rooms is reached.
   *
   * @param more rooms to add to the target (a socket id is a room of its own)
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter to(String... more) {
    Set<String> r = new LinkedHashSet<>(rooms);
    r.addAll(Arrays.asList(more));
    return new RedisEmitter(link, false, options, mapper, nsp, r, except, volatileEmit, compress);
  }

  /**
   * Same as {@link #to}.
   *
   * @param more rooms to add to the target
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter in(String... more) {
    return to(more);
  }

  /**
   * Leaves out the sockets in these rooms.
   *
   * @param more rooms whose sockets are left out, even when in a targeted room
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter except(String... more) {
    Set<String> e = new LinkedHashSet<>(except);
    e.addAll(Arrays.asList(more));
    return new RedisEmitter(link, false, options, mapper, nsp, rooms, e, volatileEmit, compress);
  }

  /**
   * Drops the packet for clients that cannot take it right now.
   *
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter asVolatile() {
    return new RedisEmitter(link, false, options, mapper, nsp, rooms, except, true, compress);
  }

  /**
   * Sets the compression hint of the packet, as the reference's {@code compress(flag)}: whether the servers may
   * compress it (WebSocket permessage-deflate) for their clients.
   *
   * @param c {@code false} to ask that the packet be sent uncompressed
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter compress(boolean c) {
    return new RedisEmitter(link, false, options, mapper, nsp, rooms, except, volatileEmit, c);
  }

  /**
   * Broadcasts an event to the target sockets of every server, as the reference emitter's {@code emit}; no
   * acknowledgement can be asked for.
   *
   * @param event the event name, not a reserved one ({@code connect}, {@code disconnect}, ...)
   * @param args the arguments, converted with Jackson ({@code byte[]} stays binary)
   * @return a stage that completes when Redis took the message, or fails
   * @throws IllegalArgumentException if {@code event} is reserved
   * @throws NullPointerException if {@code event} is null
   */
  public CompletionStage<Void> emit(String event, Object... args) {
    Objects.requireNonNull(event, "event");
    if (RESERVED.contains(event)) {
      throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
    }
    ObjectNode packet = NODES.objectNode();
    packet.put("type", 2);
    packet.set("data", eventArray(event, args));
    packet.put("nsp", nsp);
    ObjectNode opts = NODES.objectNode();
    opts.set("rooms", ClusterMessageMapper.strings(rooms));
    ObjectNode flags = opts.putObject("flags");
    if (volatileEmit) {
      flags.put("volatile", true);
    }
    if (compress != null) {
      flags.put("compress", compress);
    }
    opts.set("except", ClusterMessageMapper.strings(except));
    ArrayNode msg = NODES.arrayNode().add(ClusterAdapter.EMITTER_UID).add(packet).add(opts);
    String channel = options.key() + "#" + nsp + "#" + (rooms.size() == 1 ? rooms.iterator().next() + "#" : "");
    return link.publish(channel, options.parser().encode(msg)).thenApply(n -> null);
  }

  /**
   * Makes the target sockets of every server join rooms, as the reference emitter's {@code socketsJoin}.
   *
   * @param roomsToJoin the rooms to join
   * @return a stage that completes when Redis took the request, or fails
   */
  public CompletionStage<Void> socketsJoin(String... roomsToJoin) {
    ObjectNode req = request(2);
    req.set("rooms", ClusterMessageMapper.strings(Arrays.asList(roomsToJoin)));
    return publishRequest(req);
  }

  /**
   * Makes the target sockets of every server leave rooms, as the reference emitter's {@code socketsLeave}.
   *
   * @param roomsToLeave the rooms to leave
   * @return a stage that completes when Redis took the request, or fails
   */
  public CompletionStage<Void> socketsLeave(String... roomsToLeave) {
    ObjectNode req = request(3);
    req.set("rooms", ClusterMessageMapper.strings(Arrays.asList(roomsToLeave)));
    return publishRequest(req);
  }

  /**
   * Disconnects the target sockets of every server, as the reference emitter's {@code disconnectSockets}.
   *
   * @param close {@code true} to close the clients' connections too (with other namespaces on them), {@code false}
   *     to leave the namespace only
   * @return a stage that completes when Redis took the request, or fails
   */
  public CompletionStage<Void> disconnectSockets(boolean close) {
    ObjectNode req = request(4);
    req.put("close", close);
    return publishRequest(req);
  }

  /**
   * Sends a server-side event to every server of the namespace, as the reference emitter's {@code serverSideEmit};
   * the servers' {@code onServerSideEmit} handlers get it, with no acknowledgement.
   *
   * @param event the event name
   * @param args the arguments, converted with Jackson
   * @return a stage that completes when Redis took the request, or fails
   */
  public CompletionStage<Void> serverSideEmit(String event, Object... args) {
    ObjectNode req = NODES.objectNode();
    req.put("uid", ClusterAdapter.EMITTER_UID);
    req.put("type", 6);
    req.set("data", eventArray(event, args));
    return publishRequest(req);
  }

  private ObjectNode request(int type) {
    ObjectNode req = NODES.objectNode();
    req.put("type", type);
    ObjectNode o = req.putObject("opts");
    o.set("rooms", ClusterMessageMapper.strings(rooms));
    o.set("except", ClusterMessageMapper.strings(except));
    return req;
  }

  private CompletionStage<Void> publishRequest(ObjectNode req) {
    return link.publish(options.key() + "-request#" + nsp + "#", RedisParser.json(req)).thenApply(n -> null);
  }

  private ArrayNode eventArray(String event, Object[] args) {
    ArrayNode a = NODES.arrayNode();
    a.add(event);
    for (Object o : args) {
      a.add(o instanceof JsonNode n ? n : o instanceof byte[] b ? NODES.binaryNode(b) : mapper.valueToTree(o));
    }
    return a;
  }

  /** Closes the connection, if this emitter made it (derived emitters share it and do nothing). */
  @Override
  public void close() {
    if (owner) {
      link.close();
    }
  }

  @Override
  public String toString() {
    return "RedisEmitter[" + nsp + " to=" + rooms + " except=" + except + "]";
  }
}
