/**
 * The protocol between the servers of a cluster, for the authors of cluster backends: the messages and answers
 * ({@link io.switchboard.server.cluster.ClusterMessage}, {@link io.switchboard.server.cluster.ClusterResponse},
 * {@link io.switchboard.server.cluster.ClusterMessageType}), their wire trees
 * ({@link io.switchboard.server.cluster.ClusterMessageMapper}), what a request to the cluster gathered
 * ({@link io.switchboard.server.cluster.ClusterReplies}), what an adapter reports about a socket on any server
 * ({@link io.switchboard.server.cluster.SocketDetails}, behind a {@link io.switchboard.server.RemoteSocket}), what
 * receives a broadcast's acknowledgements ({@link io.switchboard.server.cluster.AckListener}; applications use
 * {@code emitWithAck}'s {@code CompletionStage}), and the connection state recovery types an adapter stores
 * and gives back ({@link io.switchboard.server.cluster.PersistedSession},
 * {@link io.switchboard.server.cluster.RestoredSession}, what an event stream resuming from an offset finds,
 * {@link io.switchboard.server.cluster.Resumption}, and the in-memory store
 * {@link io.switchboard.server.cluster.SessionAwareAdapter}). A backend extends
 * {@link io.switchboard.server.ClusterAdapter}; application code needs none of this.
 *
 * <pre>{@code
 * ClusterMessageMapper mapper = new ClusterMessageMapper(new ObjectMapper());
 * ObjectNode tree = mapper.toTree(new ClusterMessage.Presence(uid, "/", ClusterMessageType.INITIAL_HEARTBEAT));
 * }</pre>
 */
package io.switchboard.server.cluster;
