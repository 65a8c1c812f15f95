package io.switchboard.server.parser;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One Socket.IO packet: a type, a namespace, an optional JSON payload and an optional acknowledgement id.
 *
 * <pre>{@code
 * ArrayNode args = JsonNodeFactory.instance.arrayNode().add("hello").add(42);
 * Packet p = Packet.event("/chat", args, 7L);     // encodes as 2/chat,7["hello",42]
 * }</pre>
 *
 * <p>Binary attachments live inside {@code data} as {@link com.fasterxml.jackson.databind.node.BinaryNode}s, where
 * the sender put them; the encoder swaps them for placeholders and the decoder puts them back.
 *
 * @param type the packet type
 * @param nsp  the namespace, {@code "/"} for the main one
 * @param data the payload, or {@code null} when there is none
 * @param id   the acknowledgement id, or {@code null} when none is asked for
 */
public record Packet(PacketType type, String nsp, JsonNode data, Long id) {

  /** The main namespace. */
  public static final String MAIN = "/";

  public Packet {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(nsp, "nsp");
  }

  /** {@return an EVENT packet; the encoder makes it a BINARY_EVENT if {@code args} holds binary} */
  public static Packet event(String nsp, JsonNode args, Long id) {
    return new Packet(PacketType.EVENT, nsp, args, id);
  }

  /** {@return an ACK packet; the encoder makes it a BINARY_ACK if {@code args} holds binary} */
  public static Packet ack(String nsp, JsonNode args, long id) {
    return new Packet(PacketType.ACK, nsp, args, id);
  }

  /** {@return a packet of this type with no payload and no id} */
  public static Packet of(PacketType type, String nsp) {
    return new Packet(type, nsp, null, null);
  }

  /** {@return this packet with another payload} */
  public Packet withData(JsonNode newData) {
    return new Packet(type, nsp, newData, id);
  }

  /** {@return this packet with another acknowledgement id} */
  public Packet withId(Long newId) {
    return new Packet(type, nsp, data, newId);
  }
}
