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
  /** A server has just started its adapter; the others answer with a {@link #HEARTBEAT}. */
  INITIAL_HEARTBEAT(1),
  /** A server is there: the answer to an {@link #INITIAL_HEARTBEAT}, or a periodic sign of life. */
  HEARTBEAT(2),
  /** A packet for the matching sockets ({@link ClusterMessage.Broadcast}). */
  BROADCAST(3),
  /** The matching sockets join rooms ({@link ClusterMessage.SocketsJoin}). */
  SOCKETS_JOIN(4),
  /** The matching sockets leave rooms ({@link ClusterMessage.SocketsLeave}). */
  SOCKETS_LEAVE(5),
  /** The matching sockets are disconnected ({@link ClusterMessage.DisconnectSockets}). */
  DISCONNECT_SOCKETS(6),
  /** A request for the details of the matching sockets ({@link ClusterMessage.FetchSockets}). */
  FETCH_SOCKETS(7),
  /** One server's answer to {@link #FETCH_SOCKETS} ({@link ClusterResponse.FetchSocketsResponse}). */
  FETCH_SOCKETS_RESPONSE(8),
  /** A server-side event for the other servers ({@link ClusterMessage.ServerSideEmit}). */
  SERVER_SIDE_EMIT(9),
  /** One server's acknowledgement of a {@link #SERVER_SIDE_EMIT} ({@link ClusterResponse.ServerSideEmitResponse}). */
  SERVER_SIDE_EMIT_RESPONSE(10),
  /**
   * How many local clients one server sent a broadcast with acknowledgement to
   * ({@link ClusterResponse.BroadcastClientCount}).
   */
  BROADCAST_CLIENT_COUNT(11),
  /** One client's acknowledgement of a broadcast, for the requesting server ({@link ClusterResponse.BroadcastAck}). */
  BROADCAST_ACK(12),
  /** A server's adapter is closing: the others forget it. */
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

  /**
   * {@return the type with this number, or {@code null} if there is none}
   *
   * @param code the number on the wire
   */
  public static ClusterMessageType of(int code) {
    return code >= 1 && code <= BY_CODE.length ? BY_CODE[code - 1] : null;
  }
}
