package io.switchboard.server;

import io.switchboard.engine.CloseReason;
import java.util.EnumSet;
import java.util.Set;

/**
 * Why a socket left its namespace, worded as the reference server words it.
 *
 * <pre>{@code
 * socket.onDisconnect((reason, description) -> {
 *   if (reason == DisconnectReason.PING_TIMEOUT) log.info("{} went silent", socket.id());
 * });
 * }</pre>
 */
public enum DisconnectReason {
  /** The client called {@code socket.disconnect()}. */
  CLIENT_NAMESPACE_DISCONNECT("client namespace disconnect"),
  /** The server called {@link Socket#disconnect(boolean)}. */
  SERVER_NAMESPACE_DISCONNECT("server namespace disconnect"),
  /** The client closed its connection, or the connection went away. */
  TRANSPORT_CLOSE("transport close"),
  /** The connection failed. */
  TRANSPORT_ERROR("transport error"),
  /** The client did not answer a ping in time. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent a malformed packet. */
  PARSE_ERROR("parse error"),
  /** The underlying Engine.IO session was closed on purpose. */
  FORCED_CLOSE("forced close"),
  /** The server closed the whole connection ({@code disconnect(true)}, connect timeout). */
  FORCED_SERVER_CLOSE("forced server close"),
  /** The server is shutting down. */
  SERVER_SHUTTING_DOWN("server shutting down");

  private static final Set<DisconnectReason> RECOVERABLE =
      EnumSet.of(TRANSPORT_CLOSE, TRANSPORT_ERROR, PING_TIMEOUT, FORCED_CLOSE, SERVER_SHUTTING_DOWN,
          FORCED_SERVER_CLOSE);

  private final String text;

  DisconnectReason(String text) {
    this.text = text;
  }

  /** {@return the reason as the reference server words it, e.g. {@code "transport close"}} */
  public String text() {
    return text;
  }

  /** {@return whether a socket that left for this reason may recover its session (connection state recovery)} */
  public boolean isRecoverable() {
    return RECOVERABLE.contains(this);
  }

  static DisconnectReason of(CloseReason reason) {
    return switch (reason) {
      case TRANSPORT_CLOSE -> TRANSPORT_CLOSE;
      case TRANSPORT_ERROR -> TRANSPORT_ERROR;
      case PING_TIMEOUT -> PING_TIMEOUT;
      case PARSE_ERROR -> PARSE_ERROR;
      case FORCED_CLOSE -> FORCED_CLOSE;
      case SERVER_SHUTTING_DOWN -> SERVER_SHUTTING_DOWN;
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
