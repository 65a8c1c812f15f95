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
  /**
   * Told once per socket, in the order of the client's other events (where: {@link HandlerDispatch}); an exception
   * it throws is logged and the other listeners still run.
   *
   * @param reason      why the socket left (its {@link DisconnectReason#text()} is the reference's {@code reason})
   * @param description the reason's text, or the Engine.IO layer's details of why the connection closed
   */
  void onDisconnect(DisconnectReason reason, String description);
}
