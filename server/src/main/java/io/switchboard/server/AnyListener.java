package io.switchboard.server;

/**
 * Sees every event of a socket, incoming ({@link Socket#onAny}) or outgoing ({@link Socket#onAnyOutgoing}).
 *
 * <pre>{@code
 * socket.onAny((event, args) -> log.debug("{} got {} {}", socket.id(), event, args));
 * }</pre>
 */
@FunctionalInterface
public interface AnyListener {
  /**
   * Sees one event: an incoming one in the client's order (where: {@link HandlerDispatch}) before the event
   * middlewares, an outgoing one on the emitting thread before it is written. An exception it throws is reported to
   * {@link Socket#onError} (incoming) or logged (outgoing); the event goes on either way.
   *
   * @param event the event name
   * @param args  its arguments, without the acknowledgement callback
   */
  void onEvent(String event, Args args);
}
