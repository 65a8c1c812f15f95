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
  void onConnection(EngineSocket socket);
}
