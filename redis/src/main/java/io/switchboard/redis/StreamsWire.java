package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterMessageType;
import io.switchboard.server.cluster.ClusterResponse;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The wire format of {@code @socket.io/redis-streams-adapter} 0.3.1, in both directions (see {@code PROTOCOL.md}).
 *
 * <pre>{@code
 * StreamsWire wire = new StreamsWire(mapper, false);
 * byte[][] fields = wire.entryFields(message);            // XADD <stream> MAXLEN ~ <n> * uid .. nsp .. type .. data ..
 * ObjectNode tree = StreamsWire.entryTree(body);          // a read entry back as {uid, nsp, type, data}
 * byte[] payload = wire.pubsubPayload(request);           // msgpack of {type, data, uid, nsp}
 * }</pre>
 *
 * <p>Trees are built in the key order of the Node adapter, so that the same message gives the same bytes. An entry's
 * {@code data} is JSON text, or base64 of msgpack when the message type may carry binary and does. Pub/sub payloads
 * are always msgpack. Sessions are base64 of msgpack maps (see {@link SessionRecord}).
 */
final class StreamsWire {
  static final byte[] UID = bytes("uid");
  static final byte[] NSP = bytes("nsp");
  static final byte[] TYPE = bytes("type");
  static final byte[] DATA = bytes("data");
  /** A Java extension: the publisher's sequence number, so that an entry added twice is handed over once. */
  static final byte[] SEQ = bytes("seq");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<ClusterMessageType> MAY_CARRY_BINARY = Set.of(ClusterMessageType.BROADCAST,
      ClusterMessageType.FETCH_SOCKETS_RESPONSE, ClusterMessageType.SERVER_SIDE_EMIT,
      ClusterMessageType.SERVER_SIDE_EMIT_RESPONSE, ClusterMessageType.BROADCAST_ACK);

  private final ClusterMessageMapper mapper;
  private final boolean onlyPlaintext;

  StreamsWire(ClusterMessageMapper mapper, boolean onlyPlaintext) {
    this.mapper = mapper;
    this.onlyPlaintext = onlyPlaintext;
  }

  /**
   * Whether a message travels by pub/sub rather than the stream: requests that wait for answers (a broadcast with
   * acknowledgements, fetchSockets, serverSideEmit) and, from Java servers, presence messages.
   */
  static boolean isEphemeral(ClusterMessage m) {
    return (m instanceof ClusterMessage.Broadcast b && b.requestId() != null)
        || m instanceof ClusterMessage.FetchSockets || m instanceof ClusterMessage.ServerSideEmit
        || m instanceof ClusterMessage.Presence;
  }

  // ---- stream entries ----

  /** The fields of the stream entry of a message, in order: uid, nsp, type, data. */
  byte[][] entryFields(ClusterMessage m) {
    ObjectNode data = dataTree(m);
    byte[] encoded = data == null ? null : entryData(m.type(), data);
    int n = encoded == null ? 6 : 8;
    byte[][] f = new byte[n][];
    f[0] = UID;
    f[1] = bytes(m.uid());
    f[2] = NSP;
    f[3] = bytes(m.nsp());
    f[4] = TYPE;
    f[5] = bytes(Integer.toString(m.type().code()));
    if (encoded != null) {
      f[6] = DATA;
      f[7] = encoded;
    }
    return f;
  }

  /** The {@code data} field: JSON text, or base64 of msgpack when binary may be and is present. */
  byte[] entryData(ClusterMessageType type, ObjectNode data) {
    if (!onlyPlaintext && MAY_CARRY_BINARY.contains(type) && RedisParser.hasBinary(data)) {
      return Base64.getEncoder().encode(NotepackCodec.encodeJs(data));
    }
    return RedisParser.json(data);
  }

  /**
   * A read entry as the message tree {@code {uid, nsp, type, data}}, or {@code null} for an entry without {@code nsp}
   * (which the reference skips); {@link IllegalArgumentException} if a field is malformed.
   */
  static ObjectNode entryTree(Map<byte[], byte[]> body) {
    byte[] uid = null;
    byte[] nsp = null;
    byte[] type = null;
    byte[] data = null;
    byte[] seq = null;
    for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
      byte[] k = e.getKey();
      if (java.util.Arrays.equals(k, UID)) {
        uid = e.getValue();
      } else if (java.util.Arrays.equals(k, NSP)) {
        nsp = e.getValue();
      } else if (java.util.Arrays.equals(k, TYPE)) {
        type = e.getValue();
      } else if (java.util.Arrays.equals(k, DATA)) {
        data = e.getValue();
      } else if (java.util.Arrays.equals(k, SEQ)) {
        seq = e.getValue();
      }
    }
    if (nsp == null || nsp.length == 0) {
      return null;
    }
    ObjectNode t = NODES.objectNode();
    if (uid != null) {
      t.put("uid", text(uid));
    }
    t.put("nsp", text(nsp));
    int code;
    try {
      code = type == null ? -1 : Integer.parseInt(text(type));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("type is not a number: " + text(type));
    }
    t.put("type", code);
    if (data != null && data.length > 0) {
      t.set("data", decodeData(data));
    }
    if (seq != null && seq.length > 0 && seq.length < 20) {
      try {
        t.put("seq", Long.parseLong(text(seq)));
      } catch (NumberFormatException e) {
        // not ours: ignored
      }
    }
    return t;
  }

  /** {@code data} text starting with {@code {} is JSON; anything else base64 of msgpack. */
  static JsonNode decodeData(byte[] data) {
    if (data[0] == '{') {
      return RedisParser.decode(data);
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("data is neither JSON nor base64");
    }
    if (raw.length == 0) {
      throw new IllegalArgumentException("empty msgpack data");
    }
    return NotepackCodec.decode(raw, RedisParser.MAX_DEPTH);
  }

  // ---- pub/sub ----

  /** The pub/sub payload of a request: msgpack of {@code {type, data, uid, nsp}}. */
  byte[] pubsubPayload(ClusterMessage m) {
    ObjectNode t = NODES.objectNode();
    t.put("type", m.type().code());
    ObjectNode data = dataTree(m);
    if (data != null) {
      t.set("data", data);
    }
    t.put("uid", m.uid());
    t.put("nsp", m.nsp());
    return NotepackCodec.encodeJs(t);
  }

  /** The pub/sub payload of a response: msgpack of {@code {type, data, uid, nsp}}. */
  byte[] pubsubPayload(ClusterResponse r) {
    ObjectNode t = NODES.objectNode();
    t.put("type", r.type().code());
    t.set("data", dataTree(r));
    t.put("uid", r.uid());
    t.put("nsp", r.nsp());
    return NotepackCodec.encodeJs(t);
  }

  // ---- the data objects, in the reference's key order ----

  /** The {@code data} object of a message, or {@code null} for a presence message (which has none). */
  ObjectNode dataTree(ClusterMessage m) {
    ObjectNode d = NODES.objectNode();
    if (m instanceof ClusterMessage.Presence) {
      return null;
    } else if (m instanceof ClusterMessage.Broadcast b) {
      d.set("packet", packetTree(b.packet()));
      if (b.requestId() != null) {
        d.put("requestId", b.requestId());
      }
      d.set("opts", mapper.optionsToTree(b.opts()));
    } else if (m instanceof ClusterMessage.SocketsJoin j) {
      d.set("opts", mapper.optionsToTree(j.opts()));
      d.set("rooms", ClusterMessageMapper.strings(j.rooms()));
    } else if (m instanceof ClusterMessage.SocketsLeave l) {
      d.set("opts", mapper.optionsToTree(l.opts()));
      d.set("rooms", ClusterMessageMapper.strings(l.rooms()));
    } else if (m instanceof ClusterMessage.DisconnectSockets ds) {
      d.set("opts", mapper.optionsToTree(ds.opts()));
      d.put("close", ds.close());
    } else if (m instanceof ClusterMessage.FetchSockets f) {
      d.set("opts", mapper.optionsToTree(f.opts()));
      d.put("requestId", f.requestId());
    } else if (m instanceof ClusterMessage.ServerSideEmit se) {
      if (se.requestId() != null) {
        d.put("requestId", se.requestId());
      }
      d.set("packet", se.packet());
    }
    return d;
  }

  /** The {@code data} object of a response. */
  ObjectNode dataTree(ClusterResponse r) {
    ObjectNode d = NODES.objectNode();
    d.put("requestId", r.requestId());
    if (r instanceof ClusterResponse.FetchSocketsResponse f) {
      ArrayNode a = d.putArray("sockets");
      f.sockets().forEach(x -> a.add(mapper.socketToTree(x)));
    } else if (r instanceof ClusterResponse.ServerSideEmitResponse se) {
      d.set("packet", se.packet() == null ? NODES.nullNode() : se.packet());
    } else if (r instanceof ClusterResponse.BroadcastClientCount c) {
      d.put("clientCount", c.clientCount());
    } else if (r instanceof ClusterResponse.BroadcastAck a) {
      d.set("packet", a.packet() == null ? NODES.nullNode() : a.packet());
    }
    return d;
  }

  /** {@code {type: 2, data}}: what the reference publishes (no nsp, no id: the receiver's namespace sets them). */
  static ObjectNode packetTree(Packet p) {
    ObjectNode o = NODES.objectNode();
    o.put("type", p.type() == PacketType.BINARY_EVENT ? PacketType.EVENT.code() : p.type().code());
    if (p.data() != null) {
      o.set("data", p.data());
    }
    return o;
  }

  // ---- sessions ----

  /**
   * A session as stored under {@code sessionKeyPrefix + pid}: base64 of a msgpack map. The reference writes
   * {@code {sid, pid, rooms, data}}; Java servers write {@code {owner, sid, pid, rooms, data, baseOffset}} with
   * {@code owner} first and exactly 16 characters long, so the first 32 base64 characters of a record name its
   * writer (the compare-and-set scripts of the adapter rely on it). Readers ignore fields they do not know.
   *
   * @param owner      the writer's token (16 characters), or {@code null} in a record of the reference
   * @param baseOffset the stream id when the socket connected, or {@code null}
   */
  record SessionRecord(String owner, String sid, String pid, Set<String> rooms, JsonNode data, String baseOffset) {
    static final int OWNER_LENGTH = 16;
    /** The base64 characters that hold the map header and the owner field. */
    static final int OWNER_PREFIX = 32;

    /** The stored text. */
    byte[] encode() {
      if (owner == null || owner.length() != OWNER_LENGTH || !owner.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("owner must be 16 printable ASCII characters");
      }
      ObjectNode t = NODES.objectNode();
      t.put("owner", owner);
      t.put("sid", sid);
      t.put("pid", pid);
      ArrayNode r = t.putArray("rooms");
      rooms.forEach(r::add);
      t.set("data", data == null ? NODES.nullNode() : data);
      if (baseOffset == null) {
        t.putNull("baseOffset");
      } else {
        t.put("baseOffset", baseOffset);
      }
      return Base64.getEncoder().encode(NotepackCodec.encodeJs(t));
    }

    /** The first {@link #OWNER_PREFIX} characters of the stored text, which only the owner determines. */
    static byte[] ownerPrefix(byte[] encoded) {
      return java.util.Arrays.copyOf(encoded, OWNER_PREFIX);
    }

    /** Reads a stored session; {@link IllegalArgumentException} if it is not one. */
    static SessionRecord decode(byte[] stored) {
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(stored);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("session is not base64");
      }
      if (raw.length == 0) {
        throw new IllegalArgumentException("empty session");
      }
      JsonNode t = NotepackCodec.decode(raw, RedisParser.MAX_DEPTH);
      if (!t.isObject() || !t.path("sid").isTextual() || !t.path("pid").isTextual()) {
        throw new IllegalArgumentException("session without sid and pid");
      }
      Set<String> rooms = new LinkedHashSet<>(ClusterMessageMapper.roomSet(t.get("rooms")));
      JsonNode data = t.get("data");
      return new SessionRecord(t.path("owner").isTextual() ? t.get("owner").textValue() : null,
          t.get("sid").textValue(), t.get("pid").textValue(), rooms,
          data == null || data.isNull() ? null : data,
          t.path("baseOffset").isTextual() ? t.get("baseOffset").textValue() : null);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
