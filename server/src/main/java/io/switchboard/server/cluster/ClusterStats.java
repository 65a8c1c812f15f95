package io.switchboard.server.cluster;

/**
 * What a cluster adapter reports about its traffic with the other servers, read by metrics binders at scrape time.
 * {@code ClusterAdapter} implements it for every backend; a backend with a connection of its own (Redis) adds
 * whether that connection is up.
 *
 * <pre>{@code
 * if (io.sockets().stats().cluster() instanceof ClusterStats c && !c.linkUp()) {
 *   alert("this server is cut off from the cluster: " + c.publishFailures() + " failed publications");
 * }
 * }</pre>
 */
public interface ClusterStats {
  /** {@return how many messages and responses this server sent to the cluster (published successfully or not)} */
  long messagesPublished();

  /** {@return how many messages and responses from other servers reached this namespace's adapter} */
  long messagesReceived();

  /** {@return how many publications failed (the backend refused them or was away)} */
  long publishFailures();

  /**
   * {@return how many cluster requests (fetchSockets, serverSideEmitWithAck, broadcast acks) ended without every
   * answer}
   */
  long requestTimeouts();

  /** {@return how many servers the cluster has as this one knows them, itself included} */
  int servers();

  /** {@return whether the link to the backend is up now; {@code true} for backends without one} */
  default boolean linkUp() {
    return true;
  }

  /** {@return how many times the link to the backend was lost since the start; 0 for backends without one} */
  default long linkLosses() {
    return 0;
  }
}
