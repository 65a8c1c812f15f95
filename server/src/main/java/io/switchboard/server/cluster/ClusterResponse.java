package io.switchboard.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An answer from one server of a cluster to a request of another, delivered to the requester only.
 *
 * <pre>{@code
 * doPublishResponse(requesterUid, new ClusterResponse.BroadcastClientCount(uid(), "/", requestId, 3));
 * }</pre>
 *
 * <p>{@code uid} is the answering server's id, or {@code null} when the wire format does not carry it.
 */
public sealed interface ClusterResponse {
  /** {@return the answering server's id, or {@code null}} */
  String uid();

  /** {@return the namespace} */
  String nsp();

  /** {@return the id of the request answered} */
  String requestId();

  /** {@return the wire type} */
  ClusterMessageType type();

  /** The sockets of one server that matched a fetch. */
  record FetchSocketsResponse(String uid, String nsp, String requestId, List<SocketDetails> sockets)
      implements ClusterResponse {
    /**
     * Copies {@code sockets}.
     *
     * @param uid       the answering server's id
     * @param nsp       the namespace
     * @param requestId the id of the fetch answered
     * @param sockets   the matching sockets of that server
     */
    public FetchSocketsResponse {
      sockets = List.copyOf(sockets);
    }

    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.FETCH_SOCKETS_RESPONSE;
    }
  }

  /** One server's acknowledgement of a server-side event (its first argument, or {@code null}). */
  record ServerSideEmitResponse(String uid, String nsp, String requestId, JsonNode packet)
      implements ClusterResponse {
    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.SERVER_SIDE_EMIT_RESPONSE;
    }
  }

  /** How many of one server's clients were sent a broadcast that wants acknowledgements. */
  record BroadcastClientCount(String uid, String nsp, String requestId, int clientCount) implements ClusterResponse {
    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.BROADCAST_CLIENT_COUNT;
    }
  }

  /** One client's acknowledgement of a broadcast (its first argument, or {@code null}). */
  record BroadcastAck(String uid, String nsp, String requestId, JsonNode packet) implements ClusterResponse {
    @Override
    public ClusterMessageType type() {
      return ClusterMessageType.BROADCAST_ACK;
    }
  }
}
