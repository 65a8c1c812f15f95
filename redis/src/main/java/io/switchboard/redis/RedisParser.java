package io.switchboard.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * How the classic adapter and the emitter encode what they publish: MessagePack as {@code notepack.io} writes it (the
 * reference default) or JSON text (the reference's {@code parser} option with a JSON parser).
 *
 * <pre>{@code
 * RedisAdapterOptions.builder().parser(RedisParser.JSON).build();
 * }</pre>
 *
 * <p>Reading never depends on this choice: a payload that starts with <code>{</code> or <code>[</code> is read as JSON and
 * anything else as MessagePack, so nodes with different parsers understand each other. In JSON, binary values are
 * written as {@code {"type":"Buffer","data":[...]}}, as Node's {@code JSON.stringify} writes a Buffer.
 */
public enum RedisParser {
  /** MessagePack, byte-compatible with notepack.io (binary stays binary). */
  MSGPACK,
  /** JSON text. */
  JSON;

  static final int MAX_DEPTH = 64;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build());

  /** Encodes a tree with this parser. */
  byte[] encode(JsonNode tree) {
    return this == MSGPACK ? NotepackCodec.encode(tree) : json(tree);
  }

  /** JSON text of a tree, binary written as Node writes a Buffer. */
  static byte[] json(JsonNode tree) {
    try {
      return MAPPER.writeValueAsBytes(hasBinary(tree) ? withoutBinary(tree) : tree);
    } catch (IOException e) {
      throw new IllegalStateException("JSON encoding failed", e);
    }
  }

  /** Reads JSON (first byte {@code {} or {@code [}) or MessagePack; {@link IllegalArgumentException} if malformed. */
  static JsonNode decode(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty payload");
    }
    if (bytes[0] == '{' || bytes[0] == '[') {
      try {
        JsonNode t = MAPPER.readTree(bytes);
        if (t == null) {
          throw new IllegalArgumentException("empty JSON");
        }
        return t;
      } catch (IOException e) {
        throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
      }
    }
    return NotepackCodec.decode(bytes, MAX_DEPTH);
  }

  /** Whether a tree holds a binary node anywhere. */
  static boolean hasBinary(JsonNode t) {
    if (t == null) {
      return false;
    }
    if (t.isBinary()) {
      return true;
    }
    if (t.isContainerNode()) {
      for (JsonNode c : t) {
        if (hasBinary(c)) {
          return true;
        }
      }
    }
    return false;
  }

  private static JsonNode withoutBinary(JsonNode t) {
    if (t.isBinary()) {
      ObjectNode o = NODES.objectNode();
      o.put("type", "Buffer");
      ArrayNode data = o.putArray("data");
      try {
        for (byte b : t.binaryValue()) {
          data.add(b & 0xff);
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return o;
    }
    if (t.isArray()) {
      ArrayNode a = NODES.arrayNode(t.size());
      t.forEach(c -> a.add(withoutBinary(c)));
      return a;
    }
    if (t.isObject()) {
      ObjectNode o = NODES.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = t.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), withoutBinary(e.getValue()));
      }
      return o;
    }
    return t;
  }
}
