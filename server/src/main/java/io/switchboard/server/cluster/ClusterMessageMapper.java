package io.switchboard.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.BroadcastFlags;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.Handshake;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns cluster messages into the JSON trees that {@code socket.io-adapter}'s cluster adapter writes
 * ({@code {uid, nsp, type, data}}) and back, strictly: a tree of the wrong shape is refused, and payloads stay JSON
 * trees (binary as binary nodes), never other Java types.
 *
 * <pre>{@code
 * ClusterMessageMapper m = new ClusterMessageMapper(new ObjectMapper());
 * ObjectNode tree = m.toTree(message);                     // then encode it as JSON or msgpack
 * ClusterMessage back = m.readMessage(tree);               // IllegalArgumentException if malformed
 * }</pre>
 *
 * <p>The pieces ({@link #packetToTree}, {@link #optionsToTree}, {@link #socketToTree}…) are public for backends whose
 * wire format wraps them differently (the classic Redis adapter).
 */
public final class ClusterMessageMapper {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter JS_DATE =
      DateTimeFormatter.ofPattern("EEE MMM dd yyyy HH:mm:ss 'GMT+0000 (Coordinated Universal Time)'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper;

  /**
   * Creates a mapper; it keeps no state besides {@code mapper} and may be shared between threads.
   *
   * @param mapper converts socket data to trees (the server's mapper)
   */
  public ClusterMessageMapper(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  // ---- whole messages ----

  /**
   * {@return the wire tree of a message}
   *
   * @param m the message
   */
  public ObjectNode toTree(ClusterMessage m) {
    ObjectNode o = header(m.uid(), m.nsp(), m.type());
    ObjectNode d = NODES.objectNode();
    if (m instanceof ClusterMessage.Presence) {
      return o;
    } else if (m instanceof ClusterMessage.Broadcast b) {
      d.set("opts", optionsToTree(b.opts()));
      d.set("packet", packetToTree(b.packet()));
      if (b.requestId() != null) {
        d.put("requestId", b.requestId());
      }
    } else if (m instanceof ClusterMessage.SocketsJoin j) {
      d.set("opts", optionsToTree(j.opts()));
      d.set("rooms", strings(j.rooms()));
    } else if (m instanceof ClusterMessage.SocketsLeave l) {
      d.set("opts", optionsToTree(l.opts()));
      d.set("rooms", strings(l.rooms()));
    } else if (m instanceof ClusterMessage.DisconnectSockets ds) {
      d.set("opts", optionsToTree(ds.opts()));
      d.put("close", ds.close());
    } else if (m instanceof ClusterMessage.FetchSockets f) {
      d.set("opts", optionsToTree(f.opts()));
      d.put("requestId", f.requestId());
    } else if (m instanceof ClusterMessage.ServerSideEmit se) {
      if (se.requestId() != null) {
        d.put("requestId", se.requestId());
      }
      d.set("packet", se.packet());
    }
    o.set("data", d);
    return o;
  }

  /**
   * {@return the wire tree of a response}
   *
   * @param r the response
   */
  public ObjectNode toTree(ClusterResponse r) {
    ObjectNode o = header(r.uid(), r.nsp(), r.type());
    ObjectNode d = o.putObject("data");
    d.put("requestId", r.requestId());
    if (r instanceof ClusterResponse.FetchSocketsResponse f) {
      ArrayNode a = d.putArray("sockets");
      f.sockets().forEach(x -> a.add(socketToTree(x)));
    } else if (r instanceof ClusterResponse.ServerSideEmitResponse se) {
      d.set("packet", orNull(se.packet()));
    } else if (r instanceof ClusterResponse.BroadcastClientCount c) {
      d.put("clientCount", c.clientCount());
    } else if (r instanceof ClusterResponse.BroadcastAck a) {
      d.set("packet", orNull(a.packet()));
    }
    return o;
  }

  /**
   * {@return the type a wire tree claims, or {@code null} if it has no known type}
   *
   * @param tree a message or response tree as received
   */
  public static ClusterMessageType typeOf(JsonNode tree) {
    JsonNode t = tree == null ? null : tree.get("type");
    return t != null && t.canConvertToInt() && t.isIntegralNumber() ? ClusterMessageType.of(t.intValue()) : null;
  }

  /**
   * Reads a message tree, as a backend received it from another server or an emitter.
   *
   * @param tree a message tree as received
   * @return the message
   * @throws IllegalArgumentException if it is not a well-formed request
   */
  public ClusterMessage readMessage(JsonNode tree) {
    ClusterMessageType type = typeOf(tree);
    if (type == null || type.isResponse()) {
      throw new IllegalArgumentException("not a cluster message type: " + (tree == null ? null : tree.get("type")));
    }
    String uid = optText(tree, "uid");
    String nsp = text(tree, "nsp");
    JsonNode d = tree.get("data");
    return switch (type) {
      case INITIAL_HEARTBEAT, HEARTBEAT, ADAPTER_CLOSE -> new ClusterMessage.Presence(uid, nsp, type);
      case BROADCAST -> new ClusterMessage.Broadcast(uid, nsp, treeToPacket(field(d, "packet"), nsp),
          treeToOptions(field(d, "opts")), optText(d, "requestId"));
      case SOCKETS_JOIN -> new ClusterMessage.SocketsJoin(uid, nsp, treeToOptions(field(d, "opts")),
          roomSet(field(d, "rooms")));
      case SOCKETS_LEAVE -> new ClusterMessage.SocketsLeave(uid, nsp, treeToOptions(field(d, "opts")),
          roomSet(field(d, "rooms")));
      case DISCONNECT_SOCKETS -> new ClusterMessage.DisconnectSockets(uid, nsp, treeToOptions(field(d, "opts")),
          field(d, "close").asBoolean(false));
      case FETCH_SOCKETS -> new ClusterMessage.FetchSockets(uid, nsp, treeToOptions(field(d, "opts")),
          text(d, "requestId"));
      case SERVER_SIDE_EMIT -> new ClusterMessage.ServerSideEmit(uid, nsp, eventArray(field(d, "packet")),
          optText(d, "requestId"));
      default -> throw new IllegalArgumentException("unexpected type " + type);
    };
  }

  /**
   * Reads a response tree, as a backend received it from another server.
   *
   * @param tree a response tree as received
   * @return the response
   * @throws IllegalArgumentException if it is not a well-formed response
   */
  public ClusterResponse readResponse(JsonNode tree) {
    ClusterMessageType type = typeOf(tree);
    if (type == null || !type.isResponse()) {
      throw new IllegalArgumentException("not a cluster response type: " + (tree == null ? null : tree.get("type")));
    }
    String uid = optText(tree, "uid");
    String nsp = text(tree, "nsp");
    JsonNode d = tree.get("data");
    String requestId = text(d, "requestId");
    return switch (type) {
      case FETCH_SOCKETS_RESPONSE -> new ClusterResponse.FetchSocketsResponse(uid, nsp, requestId,
          treeToSockets(field(d, "sockets")));
      case SERVER_SIDE_EMIT_RESPONSE -> new ClusterResponse.ServerSideEmitResponse(uid, nsp, requestId,
          d.path("packet").isMissingNode() ? NullNode.getInstance() : d.get("packet"));
      case BROADCAST_CLIENT_COUNT -> {
        JsonNode c = field(d, "clientCount");
        if (!c.canConvertToInt() || c.intValue() < 0) {
          throw new IllegalArgumentException("bad clientCount " + c);
        }
        yield new ClusterResponse.BroadcastClientCount(uid, nsp, requestId, c.intValue());
      }
      case BROADCAST_ACK -> new ClusterResponse.BroadcastAck(uid, nsp, requestId,
          d.path("packet").isMissingNode() ? NullNode.getInstance() : d.get("packet"));
      default -> throw new IllegalArgumentException("unexpected type " + type);
    };
  }

  // ---- pieces ----

  /**
   * {@return {@code {type, data, nsp[, id]}}, as the reference's packet objects}
   *
   * @param p the packet
   */
  public ObjectNode packetToTree(Packet p) {
    ObjectNode o = NODES.objectNode();
    o.put("type", p.type() == PacketType.BINARY_EVENT ? PacketType.EVENT.code() : p.type().code());
    if (p.data() != null) {
      o.set("data", p.data());
    }
    o.put("nsp", p.nsp());
    if (p.id() != null) {
      o.put("id", p.id());
    }
    return o;
  }

  /**
   * {@return an EVENT packet from its tree; a missing {@code nsp} means {@code defaultNsp}} Only events are accepted.
   *
   * @param t          the packet tree
   * @param defaultNsp the namespace when the tree names none
   * @throws IllegalArgumentException if it is not an EVENT packet tree
   */
  public Packet treeToPacket(JsonNode t, String defaultNsp) {
    if (t == null || !t.isObject()) {
      throw new IllegalArgumentException("packet is not an object");
    }
    JsonNode type = t.get("type");
    if (type == null || !type.isIntegralNumber()
        || (type.intValue() != PacketType.EVENT.code() && type.intValue() != PacketType.BINARY_EVENT.code())) {
      throw new IllegalArgumentException("packet type is not an event: " + type);
    }
    JsonNode data = t.get("data");
    if (data == null || !data.isArray() || data.isEmpty() || !data.get(0).isTextual()) {
      throw new IllegalArgumentException("packet data is not [event, ...args]");
    }
    String nsp = t.hasNonNull("nsp") ? t.get("nsp").asText() : defaultNsp;
    JsonNode id = t.get("id");
    Long ackId = id != null && id.isIntegralNumber() ? id.longValue() : null;
    return new Packet(PacketType.EVENT, nsp, data, ackId);
  }

  /**
   * {@return {@code {rooms, except, flags}}}
   *
   * @param opts the broadcast options
   */
  public ObjectNode optionsToTree(BroadcastOptions opts) {
    ObjectNode o = NODES.objectNode();
    o.set("rooms", strings(opts.rooms()));
    o.set("except", strings(opts.except()));
    o.set("flags", flagsToTree(opts.flags()));
    return o;
  }

  /**
   * {@return {@code {volatile, compress, local, timeout}}, only the ones that differ from the defaults}
   *
   * @param f the flags
   */
  public ObjectNode flagsToTree(BroadcastFlags f) {
    ObjectNode o = NODES.objectNode();
    if (f.volatileEmit()) {
      o.put("volatile", true);
    }
    if (!f.compress()) {
      o.put("compress", false);
    }
    if (f.local()) {
      o.put("local", true);
    }
    if (f.timeout() != null) {
      o.put("timeout", f.timeout().toMillis());
    }
    return o;
  }

  /**
   * {@return options from {@code {rooms, except, flags}}; rooms that are numbers become their text}
   *
   * @param t the options tree; absent parts take their defaults
   * @throws IllegalArgumentException if it is not an object or its rooms are not arrays of names
   */
  public BroadcastOptions treeToOptions(JsonNode t) {
    if (t == null || !t.isObject()) {
      throw new IllegalArgumentException("opts is not an object");
    }
    JsonNode f = t.path("flags");
    BroadcastFlags flags = BroadcastFlags.DEFAULT
        .withVolatile(f.path("volatile").asBoolean(false))
        .withCompress(!f.path("compress").isBoolean() || f.path("compress").booleanValue())
        .withLocal(false);
    JsonNode timeout = f.path("timeout");
    if (timeout.isNumber() && timeout.asLong() > 0) {
      flags = flags.withTimeout(Duration.ofMillis(timeout.asLong()));
    }
    return new BroadcastOptions(roomSet(t.path("rooms")), roomSet(t.path("except")), flags);
  }

  /**
   * {@return application data as a tree: trees as they are, {@code byte[]} as binary, anything else by the mapper}
   *
   * @param data the data, or {@code null} (a JSON null)
   */
  public JsonNode valueToTree(Object data) {
    return data == null ? NullNode.getInstance()
        : data instanceof JsonNode n ? n : data instanceof byte[] b ? NODES.binaryNode(b) : mapper.valueToTree(data);
  }

  /**
   * {@return {@code {id, handshake, rooms, data}}}
   *
   * @param s the socket details
   */
  public ObjectNode socketToTree(SocketDetails s) {
    ObjectNode o = NODES.objectNode();
    o.put("id", s.id());
    Handshake h = s.handshake();
    ObjectNode hs = o.putObject("handshake");
    ObjectNode headers = hs.putObject("headers");
    h.headers().forEach(headers::put);
    hs.put("time", JS_DATE.format(h.time()));
    hs.put("address", h.address());
    hs.put("xdomain", h.xdomain());
    hs.put("secure", h.secure());
    hs.put("issued", h.issued());
    hs.put("url", h.url());
    ObjectNode query = hs.putObject("query");
    h.query().forEach(query::put);
    hs.set("auth", mapper.valueToTree(h.auth()));
    o.set("rooms", strings(s.rooms()));
    // the reference's socket.data is {} by default and Node code reads it unguarded (@socket.io/admin-ui 0.5.1
    // destructures it): no data goes as {}, and {} comes back as no data
    o.set("data", s.data() == null ? mapper.createObjectNode() : valueToTree(s.data()));
    return o;
  }

  /**
   * {@return socket details from their tree; {@code data} stays a JSON tree}
   *
   * @param t the socket tree
   * @throws IllegalArgumentException if it is not a socket object
   */
  public SocketDetails treeToSocket(JsonNode t) {
    if (t == null || !t.isObject()) {
      throw new IllegalArgumentException("socket is not an object");
    }
    String id = text(t, "id");
    JsonNode h = t.path("handshake");
    JsonNode issued = h.path("issued");
    Instant time = issued.isNumber() ? Instant.ofEpochMilli(issued.asLong()) : Instant.EPOCH;
    Map<String, Object> auth = new LinkedHashMap<>();
    if (h.path("auth").isObject()) {
      auth = mapper.convertValue(h.get("auth"), mapper.getTypeFactory()
          .constructMapType(LinkedHashMap.class, String.class, Object.class));
    }
    Handshake hs = new Handshake(textMap(h.path("headers")), time, h.path("address").asText(""),
        h.path("xdomain").asBoolean(false), h.path("secure").asBoolean(false), h.path("url").asText(""),
        textMap(h.path("query")), auth);
    JsonNode data = t.get("data");
    return new SocketDetails(id, hs, roomSet(t.path("rooms")),
        data == null || data.isNull() || data.isMissingNode() || (data.isObject() && data.isEmpty()) ? null : data);
  }

  /**
   * {@return a list of socket trees}
   *
   * @param t a JSON array of socket trees
   * @throws IllegalArgumentException if it is not an array of socket objects
   */
  public List<SocketDetails> treeToSockets(JsonNode t) {
    if (t == null || !t.isArray()) {
      throw new IllegalArgumentException("sockets is not an array");
    }
    List<SocketDetails> out = new ArrayList<>(t.size());
    for (JsonNode s : t) {
      out.add(treeToSocket(s));
    }
    return out;
  }

  /**
   * {@return a non-empty {@code [event, ...args]} array whose first element is text}
   *
   * @param t the tree to check
   * @throws IllegalArgumentException if it is not such an array
   */
  public static ArrayNode eventArray(JsonNode t) {
    if (t == null || !t.isArray() || t.isEmpty() || !t.get(0).isTextual()) {
      throw new IllegalArgumentException("not an [event, ...args] array");
    }
    return (ArrayNode) t;
  }

  /**
   * {@return room names from a JSON array (numbers become text); an absent value is an empty set}
   *
   * @param t a JSON array of room names, or a missing node
   * @throws IllegalArgumentException if it is neither missing nor an array of text and numbers
   */
  public static Set<String> roomSet(JsonNode t) {
    Set<String> out = new LinkedHashSet<>();
    if (t == null || t.isMissingNode() || t.isNull()) {
      return out;
    }
    if (!t.isArray()) {
      throw new IllegalArgumentException("rooms is not an array");
    }
    for (JsonNode r : t) {
      if (!r.isTextual() && !r.isNumber()) {
        throw new IllegalArgumentException("room is not text: " + r);
      }
      out.add(r.asText());
    }
    return out;
  }

  /**
   * {@return a JSON array of strings}
   *
   * @param values the strings
   */
  public static ArrayNode strings(Iterable<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ObjectNode header(String uid, String nsp, ClusterMessageType type) {
    ObjectNode o = NODES.objectNode();
    if (uid != null) {
      o.put("uid", uid);
    }
    o.put("nsp", nsp);
    o.put("type", type.code());
    return o;
  }

  private static JsonNode orNull(JsonNode n) {
    return n == null ? NullNode.getInstance() : n;
  }

  private static Map<String, String> textMap(JsonNode t) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!t.isObject()) {
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> it = t.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isArray()) {
        List<String> parts = new ArrayList<>();
        v.forEach(x -> parts.add(x.asText()));
        out.put(e.getKey(), String.join(", ", parts));
      } else if (!v.isNull() && !v.isContainerNode()) {
        out.put(e.getKey(), v.asText());
      }
    }
    return out;
  }

  private static JsonNode field(JsonNode t, String name) {
    JsonNode v = t == null ? null : t.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing field " + name);
    }
    return v;
  }

  private static String text(JsonNode t, String name) {
    JsonNode v = field(t, name);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field " + name + " is not text");
    }
    return v.textValue();
  }

  private static String optText(JsonNode t, String name) {
    JsonNode v = t == null ? null : t.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() && !v.isNumber()) {
      throw new IllegalArgumentException("field " + name + " is not text");
    }
    return v.asText();
  }
}
