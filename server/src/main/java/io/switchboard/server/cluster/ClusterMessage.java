package io.switchboard.server.cluster;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.parser.Packet;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A message one server of a cluster sends to all the others: the cluster-wide operations of an adapter.
 *
 * <pre>{@code
 * ClusterMessage m = new ClusterMessage.SocketsJoin(uid(), "/", BroadcastOptions.room("lobby"), Set.of("news"));
 * doPublish(m);   // every other server makes its sockets in "lobby" join "news"
 * }</pre>
 *
 * <p>Each record is one {@link ClusterMessageType}; answers are {@link ClusterResponse}s. {@code uid} is the sending
 * server's id ({@code "emitter"} for an emitter, {@code null} when the wire did not say).
 */
public sealed interface ClusterMessage {
  /** {@return the sender's id} */
  String uid();

  /** {@return the namespace} */
  String nsp();

  /** {@return the wire type} */
  ClusterMessageType type();

  /** INITIAL_HEARTBEAT, HEARTBEAT or ADAPTER_CLOSE: a server tells it is there or leaving. */
  record Presence(String uid, String nsp, ClusterMessageType type) implements ClusterMessage {
    /**
     * Checks the type.
     *
     * @param uid  the sender's id
     * @param nsp  the namespace
     * @param type INITIAL_HEARTBEAT, HEARTBEAT or ADAPTER_CLOSE
     * @throws IllegalArgumentException if {@code type} is not a presence type
     */
    public Presence {
      if (type != ClusterMessageType.INITIAL_HEARTBEAT && type != ClusterMessageType.HEARTBEAT
          && type != ClusterMessageType.ADAPTER_CLOSE) {
        throw new IllegalArgumentException("not a presence type: " + type);
      }
    }
  }

  /** A packet to the matching sockets; with a {@code requestId}, their acknowledgements are wanted. */
  record Broadcast(String uid, String nsp, Packet packet, BroadcastOptions opts, String requestId)
      implements ClusterMessage {
    /**
     * Checks the required parts.
     *
     * @param uid       the sender's id
     * @param nsp       the namespace
     * @param packet    the packet
     * @param opts      which sockets, and how
     * @param requestId the id answers refer to, or {@code null} when no acknowledgement is wanted
     * @throws NullPointerException if {@code packet} or {@code opts} is null
     */
    public Broadcast {
      Objects.requireNonNull(packet, "packet");
      Objects.requireNonNull(opts, "opts");
    }

    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.BROADCAST;
    }
  }

  /** The matching sockets join {@code rooms}. */
  record SocketsJoin(String uid, String nsp, BroadcastOptions opts, Set<String> rooms) implements ClusterMessage {
    /**
     * Copies {@code rooms}, keeping their order.
     *
     * @param uid   the sender's id
     * @param nsp   the namespace
     * @param opts  which sockets
     * @param rooms the rooms they join
     */
    public SocketsJoin {
      rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
    }

    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.SOCKETS_JOIN;
    }
  }

  /** The matching sockets leave {@code rooms}. */
  record SocketsLeave(String uid, String nsp, BroadcastOptions opts, Set<String> rooms) implements ClusterMessage {
    /**
     * Copies {@code rooms}, keeping their order.
     *
     * @param uid   the sender's id
     * @param nsp   the namespace
     * @param opts  which sockets
     * @param rooms the rooms they leave
     */
    public SocketsLeave {
      rooms = Collections.unmodifiableSet(new LinkedHashSet<>(rooms));
    }

    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.SOCKETS_LEAVE;
    }
  }

  /** The matching sockets are disconnected; {@code close} also closes their connections. */
  record DisconnectSockets(String uid, String nsp, BroadcastOptions opts, boolean close) implements ClusterMessage {
    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.DISCONNECT_SOCKETS;
    }
  }

  /** Asks for the details of the matching sockets. */
  record FetchSockets(String uid, String nsp, BroadcastOptions opts, String requestId) implements ClusterMessage {
    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.FETCH_SOCKETS;
    }
  }

  /**
   * A server-side event {@code [event, ...args]}; with a {@code requestId}, one acknowledgement per server is wanted.
   */
  record ServerSideEmit(String uid, String nsp, ArrayNode packet, String requestId) implements ClusterMessage {
    /**
     * Checks the required parts.
     *
     * @param uid       the sender's id
     * @param nsp       the namespace
     * @param packet    the array {@code [event, ...args]}
     * @param requestId the id answers refer to, or {@code null} when none is wanted
     * @throws NullPointerException if {@code packet} is null
     */
    public ServerSideEmit {
      Objects.requireNonNull(packet, "packet");
    }

    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.SERVER_SIDE_EMIT;
    }
  }
}
