package io.switchboard.server.cluster;

/**
 * The type of a message between the servers of a cluster, with the number that {@code socket.io-adapter}'s cluster
 * adapter puts on the wire.
 *
 * <pre>{@code
 * ClusterMessageType.of(3);               // BROADCAST
 * ClusterMessageType.FETCH_SOCKETS.code(); // 7
 * }</pre>
 */
public enum ClusterMessageType {
  INITIAL_HEARTBEAT(1),
  HEARTBEAT(2),
  BROADCAST(3),
  SOCKETS_JOIN(4),
  SOCKETS_LEAVE(5),
  DISCONNECT_SOCKETS(6),
  FETCH_SOCKETS(7),
  FETCH_SOCKETS_RESPONSE(8),
  SERVER_SIDE_EMIT(9),
  SERVER_SIDE_EMIT_RESPONSE(10),
  BROADCAST_CLIENT_COUNT(11),
  BROADCAST_ACK(12),
  ADAPTER_CLOSE(13);

  private static final ClusterMessageType[] BY_CODE = values();

  private final int code;

  ClusterMessageType(int code) {
    this.code = code;
  }

  /** {@return the number on the wire} */
  public int code() {
    return code;
  }

  /** {@return whether a message of this type answers a request (it goes to the requesting server only)} */
  public boolean isResponse() {
    return this == FETCH_SOCKETS_RESPONSE || this == SERVER_SIDE_EMIT_RESPONSE || this == BROADCAST_CLIENT_COUNT
        || this == BROADCAST_ACK;
  }

  /** {@return the type with this number, or {@code null} if there is none} */
  public static ClusterMessageType of(int code) {
    return code >= 1 && code <= BY_CODE.length ? BY_CODE[code - 1] : null;
  }
}
