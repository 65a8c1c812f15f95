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

  /** {@return an emitter for the main namespace of the cluster on {@code redisUri}, with the default key and parser} */
  public static RedisEmitter create(String redisUri) {
    return create(redisUri, RedisAdapterOptions.DEFAULT);
  }

  /** {@return an emitter using {@code options}' key, parser, queue bound and timeouts} */
  public static RedisEmitter create(String redisUri, RedisAdapterOptions options) {
    return new RedisEmitter(RedisLink.open(redisUri, options, false), true, options, new ObjectMapper(), "/",
        Set.of(), Set.of(), false, null);
  }

  /** {@return an emitter over the caller's Lettuce client} */
  public static RedisEmitter create(RedisClient client, RedisAdapterOptions options) {
    return new RedisEmitter(RedisLink.open(client, options, false), true, options, new ObjectMapper(), "/",
        Set.of(), Set.of(), false, null);
  }

  /** {@return the same emitter for namespace {@code name}} */
  public RedisEmitter of(String name) {
    String n = name.startsWith("/") ? name : "/" + name;
    return new RedisEmitter(link, false, options, mapper, n, Set.of(), Set.of(), false, null);
  }

  /**
   * Targets the sockets in these rooms too.
   *
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
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter in(String... more) {
    return to(more);
  }

  /**
   * Leaves out the sockets in these rooms.
   *
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
   * Sets the compression hint.
   *
   * @return a new emitter with this setting (emitters are immutable)
   */
  public RedisEmitter compress(boolean c) {
    return new RedisEmitter(link, false, options, mapper, nsp, rooms, except, volatileEmit, c);
  }

  /**
   * Broadcasts an event to the target sockets of every server.
   *
   * @return a stage that completes as described above
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
   * Makes the target sockets of every server join {@code rooms}.
   *
   * @return a stage that completes as described above
   */
  public CompletionStage<Void> socketsJoin(String... roomsToJoin) {
    ObjectNode req = request(2);
    req.set("rooms", ClusterMessageMapper.strings(Arrays.asList(roomsToJoin)));
    return publishRequest(req);
  }

  /**
   * Makes the target sockets of every server leave {@code rooms}.
   *
   * @return a stage that completes as described above
   */
  public CompletionStage<Void> socketsLeave(String... roomsToLeave) {
    ObjectNode req = request(3);
    req.set("rooms", ClusterMessageMapper.strings(Arrays.asList(roomsToLeave)));
    return publishRequest(req);
  }

  /**
   * Disconnects the target sockets of every server; {@code close} also closes their connections.
   *
   * @return a stage that completes as described above
   */
  public CompletionStage<Void> disconnectSockets(boolean close) {
    ObjectNode req = request(4);
    req.put("close", close);
    return publishRequest(req);
  }

  /**
   * Sends a server-side event to every server of the namespace (no acknowledgements).
   *
   * @return a stage that completes as described above
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
