package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.engine.EngineMessage;
import io.switchboard.server.parser.DecoderLimits;
import io.switchboard.server.parser.EncodedPacket;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.PacketEncoder;
import java.util.ArrayList;
import java.util.List;

/** Turns Java arguments into JSON trees and packets into Engine.IO messages, once per packet. */
final class PayloadCodec {
  private final ObjectMapper mapper;
  private final PacketEncoder encoder;
  private final DecoderLimits limits;
  private final ObjectMapper decoderMapper; // shared by every client's decoder

  PayloadCodec(ObjectMapper mapper, DecoderLimits limits) {
    this.mapper = mapper;
    this.encoder = new PacketEncoder(mapper);
    this.limits = limits;
    this.decoderMapper = PacketDecoder.mapperFor(limits);
  }

  ObjectMapper mapper() {
    return mapper;
  }

  PacketDecoder newDecoder() {
    return new PacketDecoder(limits, decoderMapper);
  }

  /** {@code [event, args...]} as a JSON array; {@code byte[]} and {@code ByteBuffer} become binary nodes. */
  ArrayNode eventArray(String event, Object[] args) {
    ArrayNode a = mapper.createArrayNode();
    if (event != null) {
      a.add(event);
    }
    for (Object o : args) {
      a.add(toNode(o));
    }
    return a;
  }

  JsonNode toNode(Object o) {
    if (o instanceof JsonNode n) {
      return n;
    }
    if (o instanceof byte[] b) {
      return mapper.getNodeFactory().binaryNode(b);
    }
    return mapper.valueToTree(o);
  }

  Args args(JsonNode array, int from) {
    List<JsonNode> list = new ArrayList<>(Math.max(0, array.size() - from));
    for (int i = from; i < array.size(); i++) {
      list.add(array.get(i));
    }
    return new Args(list, mapper);
  }

  List<EngineMessage> encode(Packet packet) {
    return encode(packet, true);
  }

  /**
   * The packet's Engine.IO messages, once for all recipients; with {@code compress} false (Socket.IO's
   * {@code compress(false)}) they go uncompressed over a WebSocket with {@code permessage-deflate}.
   */
  List<EngineMessage> encode(Packet packet, boolean compress) {
    EncodedPacket e = encoder.encode(packet);
    if (e.attachments().isEmpty()) {
      return List.of(message(EngineMessage.text(e.text()), compress));
    }
    List<EngineMessage> out = new ArrayList<>(1 + e.attachments().size());
    out.add(message(EngineMessage.text(e.text()), compress));
    for (byte[] b : e.attachments()) {
      out.add(message(EngineMessage.binary(b), compress));
    }
    return List.copyOf(out);
  }

  private static EngineMessage message(EngineMessage m, boolean compress) {
    return compress ? m : m.uncompressed();
  }
}
