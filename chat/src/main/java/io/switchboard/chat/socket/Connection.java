package io.switchboard.chat.socket;

import io.switchboard.server.Socket;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authenticated Socket.IO connection of the chat: the socket, whose it is, and its token's timers.
 *
 * <pre>{@code
 * Connection c = new Connection(socket, "alice", claims.expiresAt());
 * c.socket().join(ChatSockets.userRoom(c.username()));
 * }</pre>
 */
public final class Connection {
  private final Socket socket;
  private final String username;
  private final AtomicReference<Instant> expiresAt;
  private final AtomicReference<ScheduledFuture<?>> warning = new AtomicReference<>();
  private final AtomicReference<ScheduledFuture<?>> expiry = new AtomicReference<>();

  public Connection(Socket socket, String username, Instant expiresAt) {
    this.socket = socket;
    this.username = username;
    this.expiresAt = new AtomicReference<>(expiresAt);
  }

  public Socket socket() {
    return socket;
  }

  public String username() {
    return username;
  }

  /** When the connection's token expires (replaced by {@code auth:refresh}). */
  public AtomicReference<Instant> expiresAt() {
    return expiresAt;
  }

  /** The pending {@code auth:expiring} warning. */
  public AtomicReference<ScheduledFuture<?>> warning() {
    return warning;
  }

  /** The pending disconnection at expiry. */
  public AtomicReference<ScheduledFuture<?>> expiry() {
    return expiry;
  }
}
