package io.switchboard.engine;

/**
 * Called once for each new Engine.IO session, on the session's event loop, before any of its messages is delivered.
 *
 * <pre>{@code
 * engine.onConnection(socket -> socket.listener(new EchoListener(socket)));
 * }</pre>
 */
@FunctionalInterface
public interface ConnectionListener {
  /**
   * A session opened (the handshake succeeded), like the {@code connection} event of a Node {@code engine.io}
   * server. Set the socket's {@link EngineSocket#listener(EngineSocket.Listener)} here. An exception thrown here is
   * logged and the session stays open.
   *
   * @param socket the new session
   */
  void onConnection(EngineSocket socket);
}
