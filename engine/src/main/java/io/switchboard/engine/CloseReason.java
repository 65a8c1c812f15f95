package io.switchboard.engine;

/**
 * Why an Engine.IO session ended, with the wire wording the reference server uses.
 *
 * <pre>{@code
 * socket.listener(new EngineSocket.Listener() {
 *   public void onClose(CloseReason reason, String description) {
 *     log.info("{} left: {}", socket.id(), reason.text());
 *   }
 * });
 * }</pre>
 */
public enum CloseReason {
  /** The client closed the session or its connection went away. */
  TRANSPORT_CLOSE("transport close"),
  /** The transport failed: an I/O error, an overlapping request, a full outgoing buffer, an oversized payload. */
  TRANSPORT_ERROR("transport error"),
  /** No pong arrived within {@code pingTimeout} after a ping. */
  PING_TIMEOUT("ping timeout"),
  /** The client sent a packet that could not be decoded. */
  PARSE_ERROR("parse error"),
  /** The server closed the session on purpose ({@link EngineSocket#close()}). */
  FORCED_CLOSE("forced close"),
  /** The server is shutting down. */
  SERVER_SHUTTING_DOWN("server shutting down");

  private final String text;

  CloseReason(String text) {
    this.text = text;
  }

  /** {@return the reason as the reference server words it, e.g. {@code "ping timeout"}} */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
