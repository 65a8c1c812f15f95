package io.switchboard.server.parser;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encodes Socket.IO packets into the text frame and binary frames of the wire format.
 *
 * <pre>{@code
 * PacketEncoder encoder = new PacketEncoder(new ObjectMapper());
 * encoder.encode(Packet.event("/", args, null)).text();   // 2["hello",1]
 * }</pre>
 *
 * <p>JSON is compact, object keys keep their order, integers stay integers. An EVENT or ACK whose payload holds binary
 * ({@link BinaryNode}) becomes a BINARY_EVENT or BINARY_ACK with one placeholder per attachment. Thread-safe.
 */
public final class PacketEncoder {
  private final ObjectMapper mapper;

  /**
   * An encoder that uses {@code mapper} to turn any POJO left in a tree into JSON.
   *
   * @param mapper the server's JSON mapper
   * @throws NullPointerException if {@code mapper} is null
   */
  public PacketEncoder(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  /**
   * Encodes one packet.
   *
   * @param packet the packet; its binary nodes become attachments
   * @return the packet as text and binary attachments
   */
  public EncodedPacket encode(Packet packet) {
    List<byte[]> attachments = new ArrayList<>(0);
    String json = packet.data() == null ? null : writeJson(packet.data(), attachments);
    PacketType type = packet.type();
    if (!attachments.isEmpty()) {
      if (type == PacketType.EVENT) {
        type = PacketType.BINARY_EVENT;
      } else if (type == PacketType.ACK) {
        type = PacketType.BINARY_ACK;
      }
    }
    StringBuilder sb = new StringBuilder(16 + (json == null ? 0 : json.length()));
    sb.append((char) ('0' + type.code()));
    if (type.isBinary()) {
      sb.append(attachments.size()).append('-');
    }
    if (!Packet.MAIN.equals(packet.nsp())) {
      sb.append(packet.nsp()).append(',');
    }
    if (packet.id() != null) {
      sb.append(packet.id().longValue());
    }
    if (json != null) {
      sb.append(json);
    }
    return new EncodedPacket(sb.toString(), attachments);
  }

  private String writeJson(JsonNode node, List<byte[]> attachments) {
    StringWriter sw = new StringWriter(64);
    try (JsonGenerator g = mapper.getFactory().createGenerator(sw)) {
      write(g, node, attachments);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }

  private void write(JsonGenerator g, JsonNode node, List<byte[]> attachments) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          g.writeFieldName(e.getKey());
          write(g, e.getValue(), attachments);
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode child : node) {
          write(g, child, attachments);
        }
        g.writeEndArray();
      }
      case BINARY -> writePlaceholder(g, ((BinaryNode) node).binaryValue(), attachments);
      case POJO -> {
        Object pojo = ((POJONode) node).getPojo();
        if (pojo instanceof byte[] bytes) {
          writePlaceholder(g, bytes, attachments);
        } else if (pojo instanceof ByteBuffer buf) {
          writePlaceholder(g, toArray(buf), attachments);
        } else {
          write(g, mapper.valueToTree(pojo), attachments);
        }
      }
      case STRING -> g.writeString(node.textValue());
      case BOOLEAN -> g.writeBoolean(node.booleanValue());
      case NULL, MISSING -> g.writeNull();
      case NUMBER -> writeNumber(g, node);
    }
  }

  private static void writeNumber(JsonGenerator g, JsonNode n) throws IOException {
    switch (n.numberType()) {
      case INT -> g.writeNumber(n.intValue());
      case LONG -> g.writeNumber(n.longValue());
      case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
      // Infinity and NaN are not JSON: null, as JSON.stringify writes them (Jackson would write a string)
      case FLOAT -> {
        if (Float.isFinite(n.floatValue())) {
          g.writeNumber(n.floatValue());
        } else {
          g.writeNull();
        }
      }
      case DOUBLE -> {
        if (Double.isFinite(n.doubleValue())) {
          g.writeNumber(n.doubleValue());
        } else {
          g.writeNull();
        }
      }
      case BIG_DECIMAL -> g.writeNumber(n.decimalValue());
    }
  }

  private static void writePlaceholder(JsonGenerator g, byte[] bytes, List<byte[]> attachments) throws IOException {
    g.writeStartObject();
    g.writeBooleanField("_placeholder", true);
    g.writeNumberField("num", attachments.size());
    g.writeEndObject();
    attachments.add(bytes);
  }

  private static byte[] toArray(ByteBuffer buf) {
    ByteBuffer b = buf.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
