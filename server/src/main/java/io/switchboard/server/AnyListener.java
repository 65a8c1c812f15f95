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
  void onEvent(String event, Args args);
}
