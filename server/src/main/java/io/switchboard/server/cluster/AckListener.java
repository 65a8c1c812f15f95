package io.switchboard.server.cluster;

import io.switchboard.server.Args;

/**
 * Receives the acknowledgements of a broadcast ({@link io.switchboard.server.Adapter#broadcastWithAck}), one call per
 * answering client. Applications do not implement it: they use {@code emitWithAck}'s {@code CompletionStage}.
 *
 * <pre>{@code
 * adapter.broadcastWithAck(packet, opts, count -> expected.set(count), args -> answers.add(args));
 * }</pre>
 */
@FunctionalInterface
public interface AckListener {
  /**
   * A client answered; called once per answering client, on the thread that received the answer (for a remote
   * client, the cluster adapter's), so keep it short.
   *
   * @param args the arguments the client's acknowledgement carried
   */
  void onAck(Args args);

  /** A client will not answer (it disconnected). */
  default void onGone() {}
}
