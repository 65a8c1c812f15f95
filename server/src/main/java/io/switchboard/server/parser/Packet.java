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

  /**
   * Checks the required parts.
   *
   * @param type the packet type
   * @param nsp  the namespace
   * @param data the payload, or {@code null}
   * @param id   the acknowledgement id, or {@code null}
   * @throws NullPointerException if {@code type} or {@code nsp} is null
   */
  public Packet {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(nsp, "nsp");
  }

  /**
   * {@return an EVENT packet; the encoder makes it a BINARY_EVENT if {@code args} holds binary}
   *
   * @param nsp  the namespace
   * @param args the JSON array {@code [event, ...args]}
   * @param id   the acknowledgement id, or {@code null} when no acknowledgement is asked for
   */
  public static Packet event(String nsp, JsonNode args, Long id) {
    return new Packet(PacketType.EVENT, nsp, args, id);
  }

  /**
   * {@return an ACK packet; the encoder makes it a BINARY_ACK if {@code args} holds binary}
   *
   * @param nsp  the namespace
   * @param args the JSON array of the answer's arguments
   * @param id   the id of the packet acknowledged
   */
  public static Packet ack(String nsp, JsonNode args, long id) {
    return new Packet(PacketType.ACK, nsp, args, id);
  }

  /**
   * {@return a packet of this type with no payload and no id}
   *
   * @param type the type, such as {@link PacketType#DISCONNECT}
   * @param nsp  the namespace
   */
  public static Packet of(PacketType type, String nsp) {
    return new Packet(type, nsp, null, null);
  }

  /**
   * {@return this packet with another payload}
   *
   * @param newData the payload, or {@code null}
   */
  public Packet withData(JsonNode newData) {
    return new Packet(type, nsp, newData, id);
  }

  /**
   * {@return this packet with another acknowledgement id}
   *
   * @param newId the id, or {@code null} for none
   */
  public Packet withId(Long newId) {
    return new Packet(type, nsp, data, newId);
  }
}
