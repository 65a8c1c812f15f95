package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * MessagePack for JSON trees, byte for byte as the {@code notepack.io} package writes it, and a strict reader.
 *
 * <pre>{@code
 * byte[] wire = NotepackCodec.encode(tree);                  // what notepack.io's encode() gives for the same value
 * JsonNode back = NotepackCodec.decode(wire, 64);            // IllegalArgumentException on anything malformed
 * }</pre>
 *
 * <p>Writing follows notepack: whole numbers as the smallest integer format (unsigned ones for non-negative values),
 * every other number as float64, strings as fixstr/str8/str16/str32, binary nodes as bin8/16/32, containers with the
 * smallest header. Reading accepts every msgpack format but refuses nesting deeper than the limit, lengths that
 * exceed the input, non-text map keys, extension types other than timestamps (which become ISO-8601 text, as a JS
 * Date does in JSON) and trailing bytes. The result is only ever a JSON tree.
 */
final class NotepackCodec {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter JS_ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final double TWO_POW_63 = 9.223372036854775807E18;

  private NotepackCodec() {}

  /** Encodes a tree. */
  static byte[] encode(JsonNode value) {
    return encode(value, false);
  }

  /**
   * Encodes a tree as {@code @msgpack/msgpack} 2.8 writes the same JS value (the streams adapter's encoder): the same
   * bytes as notepack except that a whole number is an integer only while it is a safe JS integer (below 2^53 in
   * magnitude); larger ones are float64.
   */
  static byte[] encodeJs(JsonNode value) {
    return encode(value, true);
  }

  private static byte[] encode(JsonNode value, boolean safeIntegers) {
    try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
      write(p, value, safeIntegers);
      p.flush();
      return p.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("msgpack encoding failed", e);
    }
  }

  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static void write(MessageBufferPacker p, JsonNode v, boolean safe) throws IOException {
    if (v == null || v.isNull() || v.isMissingNode()) {
      p.packNil();
    } else if (v.isBoolean()) {
      p.packBoolean(v.booleanValue());
    } else if (safe && v.isNumber()) {
      double d = v.doubleValue();
      if (v.isIntegralNumber() && v.canConvertToLong() && Math.abs(v.longValue()) <= MAX_SAFE_INTEGER) {
        p.packLong(v.longValue());
      } else if (!v.isIntegralNumber() && Double.isFinite(d) && Math.floor(d) == d && Math.abs(d) <= MAX_SAFE_INTEGER) {
        p.packLong((long) d);
      } else {
        p.packDouble(d);
      }
    } else if (v.isIntegralNumber()) {
      if (v.canConvertToLong()) {
        p.packLong(v.longValue());
      } else {
        BigInteger b = v.bigIntegerValue();
        if (b.signum() > 0 && b.bitLength() <= 64) {
          p.packBigInteger(b);
        } else {
          p.packDouble(b.doubleValue());
        }
      }
    } else if (v.isNumber()) {
      double d = v.doubleValue();
      if (Double.isFinite(d) && Math.floor(d) == d && Math.abs(d) < TWO_POW_63) {
        p.packLong((long) d); // a JS number with no fraction is written as an integer
      } else {
        p.packDouble(d);
      }
    } else if (v.isTextual()) {
      byte[] utf8 = v.textValue().getBytes(StandardCharsets.UTF_8);
      p.packRawStringHeader(utf8.length);
      p.writePayload(utf8);
    } else if (v.isBinary()) {
      byte[] b = v.binaryValue();
      p.packBinaryHeader(b.length);
      p.writePayload(b);
    } else if (v.isArray()) {
      p.packArrayHeader(v.size());
      for (JsonNode e : v) {
        write(p, e, safe);
      }
    } else if (v.isObject()) {
      p.packMapHeader(v.size());
      Iterator<Map.Entry<String, JsonNode>> it = v.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
        p.packRawStringHeader(key.length);
        p.writePayload(key);
        write(p, e.getValue(), safe);
      }
    } else if (v.isPojo()) {
      throw new IllegalArgumentException("cannot encode a POJO node");
    } else {
      p.packString(v.asText());
    }
  }

  /** Decodes one value that spans all of {@code bytes}; throws {@link IllegalArgumentException} if malformed. */
  static JsonNode decode(byte[] bytes, int maxDepth) {
    try (MessageUnpacker u = MessagePack.newDefaultUnpacker(bytes)) {
      JsonNode v = read(u, bytes.length, maxDepth);
      if (u.hasNext()) {
        throw new IllegalArgumentException((bytes.length - u.getTotalReadBytes()) + " trailing bytes");
      }
      return v;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("malformed msgpack: " + e.getMessage(), e);
    }
  }

  private static JsonNode read(MessageUnpacker u, int size, int depth) throws IOException {
    if (depth < 0) {
      throw new IllegalArgumentException("msgpack nested too deeply");
    }
    MessageFormat f = u.getNextFormat();
    switch (f.getValueType()) {
      case NIL:
        u.unpackNil();
        return NODES.nullNode();
      case BOOLEAN:
        return NODES.booleanNode(u.unpackBoolean());
      case INTEGER:
        if (f == MessageFormat.UINT64) {
          BigInteger b = u.unpackBigInteger();
          return b.bitLength() < 64 ? NODES.numberNode(b.longValue()) : NODES.numberNode(b);
        }
        long l = u.unpackLong();
        return l == (int) l ? NODES.numberNode((int) l) : NODES.numberNode(l);
      case FLOAT:
        return NODES.numberNode(u.unpackDouble());
      case STRING: {
        int n = length(u.unpackRawStringHeader(), u, size);
        return NODES.textNode(new String(u.readPayload(n), StandardCharsets.UTF_8));
      }
      case BINARY: {
        int n = length(u.unpackBinaryHeader(), u, size);
        return NODES.binaryNode(u.readPayload(n));
      }
      case ARRAY: {
        int n = length(u.unpackArrayHeader(), u, size);
        ArrayNode a = NODES.arrayNode(n);
        for (int i = 0; i < n; i++) {
          a.add(read(u, size, depth - 1));
        }
        return a;
      }
      case MAP: {
        int n = length(u.unpackMapHeader(), u, size);
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < n; i++) {
          MessageFormat kf = u.getNextFormat();
          String key;
          if (kf.getValueType() == org.msgpack.value.ValueType.STRING) {
            int kn = length(u.unpackRawStringHeader(), u, size);
            key = new String(u.readPayload(kn), StandardCharsets.UTF_8);
          } else if (kf.getValueType() == org.msgpack.value.ValueType.INTEGER) {
            key = u.unpackBigInteger().toString();
          } else {
            throw new IllegalArgumentException("map key is not text: " + kf);
          }
          o.set(key, read(u, size, depth - 1));
        }
        return o;
      }
      case EXTENSION: {
        ExtensionTypeHeader h = u.unpackExtensionTypeHeader();
        if (h.isTimestampType()) {
          Instant t = u.unpackTimestamp(h);
          return NODES.textNode(JS_ISO.format(t));
        }
        throw new IllegalArgumentException("msgpack extension type " + h.getType() + " is not accepted");
      }
      default:
        throw new IllegalArgumentException("unknown msgpack format " + f);
    }
  }

  private static int length(int n, MessageUnpacker u, int size) {
    if (n < 0 || n > size - u.getTotalReadBytes()) {
      throw new IllegalArgumentException("msgpack length " + n + " exceeds the input");
    }
    return n;
  }
}
