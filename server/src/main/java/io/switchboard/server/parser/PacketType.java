package io.switchboard.server.parser;

/**
 * A Socket.IO protocol v5 packet type, with its digit on the wire.
 *
 * <pre>{@code
 * PacketType.fromCode('2'); // EVENT
 * PacketType.BINARY_ACK.code(); // 6
 * }</pre>
 */
public enum PacketType {
  /** Joins a namespace (client, with its {@code auth}) or accepts the join (server, with the {@code sid}). */
  CONNECT(0),
  /** Leaves a namespace, from either side. */
  DISCONNECT(1),
  /** An event {@code [name, ...args]}, with an id when an acknowledgement is asked for. */
  EVENT(2),
  /** The answer to an event that asked for one: the arguments, with the event's id. */
  ACK(3),
  /** The server refuses to join the namespace, with {@code {message, data}}. */
  CONNECT_ERROR(4),
  /** An {@link #EVENT} whose arguments hold binary, sent as attachments after the text frame. */
  BINARY_EVENT(5),
  /** An {@link #ACK} whose arguments hold binary, sent as attachments after the text frame. */
  BINARY_ACK(6);

  private static final PacketType[] BY_CODE = values();

  private final int code;

  PacketType(int code) {
    this.code = code;
  }

  /** {@return the number written as the first character of an encoded packet} */
  public int code() {
    return code;
  }

  /** {@return whether binary attachments follow a packet of this type} */
  public boolean isBinary() {
    return this == BINARY_EVENT || this == BINARY_ACK;
  }

  /** {@return whether this is an event, plain or binary} */
  public boolean isEvent() {
    return this == EVENT || this == BINARY_EVENT;
  }

  /** {@return whether this is an acknowledgement, plain or binary} */
  public boolean isAck() {
    return this == ACK || this == BINARY_ACK;
  }

  /**
   * {@return the type whose digit is {@code c}, or {@code null} if there is none}
   *
   * @param c the first character of an encoded packet
   */
  public static PacketType fromCode(char c) {
    int n = c - '0';
    return n >= 0 && n < BY_CODE.length ? BY_CODE[n] : null;
  }
}
