package io.switchboard.server.cluster;

import java.util.List;
import java.util.Set;

/**
 * What a request to the other servers of a cluster brought back: the answers that arrived in time, and who stayed
 * silent.
 *
 * <pre>{@code
 * ClusterAdapter adapter = (ClusterAdapter) io.of("/").adapter();
 * adapter.fetchSocketsFromCluster(BroadcastOptions.room("lobby")).thenAccept(r -> {
 *   if (!r.complete()) log.warn("{} servers did not answer: {}", r.missing(), r.silentNodes());
 *   r.values().forEach(s -> log.info("{}", s.id()));
 * });
 * }</pre>
 *
 * @param values      the answers (for a fetch, this server's own sockets come first)
 * @param expected    how many other servers were expected to answer
 * @param received    how many did
 * @param silentNodes the ids of known servers that did not answer; it may be incomplete when the wire format does not
 *                    name the answering server, or when a silent server never sent anything this server saw
 * @param <T>         the answer type
 */
public record ClusterReplies<T>(List<T> values, int expected, int received, Set<String> silentNodes) {
  /**
   * Copies {@code values} and {@code silentNodes}, which must not be or hold {@code null}.
   *
   * @param values      the answers
   * @param expected    how many other servers were expected to answer
   * @param received    how many did
   * @param silentNodes the known servers that did not answer
   */
  public ClusterReplies {
    values = List.copyOf(values);
    silentNodes = Set.copyOf(silentNodes);
  }

  /** {@return how many servers did not answer} */
  public int missing() {
    return Math.max(0, expected - received);
  }

  /** {@return whether every expected server answered} */
  public boolean complete() {
    return received >= expected;
  }
}
