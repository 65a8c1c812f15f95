package io.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.engine.EngineMessage;
import io.switchboard.engine.ws.PreparedMessage;
import io.switchboard.server.parser.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One broadcast on its way to the local recipients: the packet, and its form for each transport, each encoded once,
 * when the first recipient of that transport needs it.
 *
 * <pre>{@code
 * Outgoing out = new Outgoing(codec, packet, true, true);   // last argument: the recovery offset; compressible
 * for (Recipient r : members) r.deliver(out, false);  // Socket.IO frames, plain text frame, SSE block: once each
 * }</pre>
 *
 * <p>Used by one thread (the broadcasting one), so the lazy forms need no lock.
 *
 * <p>The plain forms: a WebSocket text frame {@code {"event":"price","data":[args...]}}, and an SSE block
 * {@code event: price}, {@code id: <offset>} (when the broadcast has one), {@code data: <JSON>} where the JSON is the
 * single argument, or the array of the arguments when there are none or several. Binary arguments ({@code byte[]})
 * are base64 strings in both (JSON has no bytes). The recovery offset is never an argument in the plain forms.
 */
final class Outgoing {
  private final PayloadCodec codec;
  private final Packet packet;
  private final boolean carriesOffset;
  private final boolean compress;
  private List<EngineMessage> socketIo;
  private Args args;
  private String event;
  private byte[] plainText;
  private byte[] sse;
  private PreparedMessage plainWebSocket;

  /**
   * @param carriesOffset whether the packet's last argument is the recovery offset the adapter appended
   * @param compress      {@code false} when the emitter said {@code compress(false)}: the WebSocket frames go out
   *                      uncompressed even where {@code permessage-deflate} was negotiated
   */
  Outgoing(PayloadCodec codec, Packet packet, boolean carriesOffset, boolean compress) {
    this.codec = codec;
    this.compress = compress;
    this.packet = packet;
    this.carriesOffset = carriesOffset && packet.data() instanceof ArrayNode a && a.size() > 1
        && a.get(a.size() - 1).isTextual();
  }

  Packet packet() {
    return packet;
  }

  /** The Socket.IO form: the Engine.IO messages of the packet (offset included). */
  List<EngineMessage> socketIo() {
    if (socketIo == null) {
      socketIo = codec.encode(packet, compress);
    }
    return socketIo;
  }

  /** The event name, or {@code null} if the packet is not an event. */
  String event() {
    if (event == null && packet.type().isEvent()) {
      event = InMemoryAdapter.eventName(packet);
    }
    return event;
  }

  /** The arguments as Socket.IO clients see them (offset included), or {@code null} if not an event. */
  Args args() {
    if (args == null && packet.type().isEvent()) {
      args = codec.args(packet.data(), 1);
    }
    return args;
  }

  /** The recovery offset, or {@code null}. */
  String offset() {
    if (!carriesOffset) {
      return null;
    }
    JsonNode d = packet.data();
    return d.get(d.size() - 1).textValue();
  }

  /** The plain WebSocket text frame payload in UTF-8, or {@code null} if the packet is not an event. */
  byte[] plainText() {
    if (plainText == null && packet.type().isEvent()) {
      ObjectNode o = codec.mapper().createObjectNode();
      o.put("event", event());
      o.set("data", plainArgs());
      plainText = bytes(o);
    }
    return plainText;
  }

  /** The plain WebSocket text frame, encoded once for every plain client, or {@code null} if not an event. */
  PreparedMessage plainWebSocket() {
    if (plainWebSocket == null && packet.type().isEvent()) {
      plainWebSocket = PreparedMessage.text(new String(plainText(), StandardCharsets.UTF_8));
    }
    return plainWebSocket;
  }

  /** The Server-Sent Events block in UTF-8 (ending with its blank line), or {@code null} if not an event. */
  byte[] sse() {
    if (sse == null && packet.type().isEvent()) {
      ArrayNode a = plainArgs();
      JsonNode data = a.size() == 1 ? a.get(0) : a;
      StringBuilder b = new StringBuilder(64);
      b.append("event: ").append(sseField(event())).append('\n');
      String offset = offset();
      if (offset != null) {
        b.append("id: ").append(sseField(offset)).append('\n');
      }
      b.append("data: ").append(new String(bytes(data), StandardCharsets.UTF_8)).append("\n\n");
      sse = b.toString().getBytes(StandardCharsets.UTF_8);
    }
    return sse;
  }

  /** The arguments without the event name and offset. */
  private ArrayNode plainArgs() {
    ArrayNode d = (ArrayNode) packet.data();
    ArrayNode a = codec.mapper().createArrayNode();
    int end = d.size() - (carriesOffset ? 1 : 0);
    for (int i = 1; i < end; i++) {
      a.add(d.get(i));
    }
    return a;
  }

  private byte[] bytes(JsonNode n) {
    try {
      return codec.mapper().writeValueAsBytes(n); // compact: no line break, so one data: line; bytes as base64
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode a broadcast as JSON", e);
    }
  }

  /** An event name or id on one SSE line: line breaks would end the field, so they become spaces. */
  static String sseField(String s) {
    if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace('\r', ' ').replace('\n', ' ');
  }
}
