package io.switchboard.server;

/**
 * Receives the acknowledgements of a broadcast, one call per answering client.
 *
 * <pre>{@code
 * adapter.broadcastWithAck(packet, opts, count -> expected.set(count), args -> answers.add(args));
 * }</pre>
 */
@FunctionalInterface
public interface AckListener {
  /** A client answered. */
  void onAck(Args args);

  /** A client will not answer (it disconnected). */
  default void onGone() {}
}
