package io.switchboard.server;

/**
 * Told when a socket is leaving ({@code disconnecting}: its rooms are still there) or has left its namespace.
 *
 * <pre>{@code
 * socket.onDisconnecting((reason, description) -> socket.rooms().forEach(r -> io.to(r).emit("left", socket.id())));
 * }</pre>
 */
@FunctionalInterface
public interface DisconnectListener {
  void onDisconnect(DisconnectReason reason, String description);
}
