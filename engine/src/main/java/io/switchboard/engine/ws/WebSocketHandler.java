package io.switchboard.engine.ws;

/**
 * What an application does with the connections of a {@link WebSocketEndpoint}: one instance serves all of them,
 * each call names its connection.
 *
 * <pre>{@code
 * WebSocketHandler echo = new WebSocketHandler() {
 *   public void onText(WebSocketConnection c, String text) { c.send(text); }
 *   public void onBinary(WebSocketConnection c, byte[] data) { c.send(data); }
 * };
 * }</pre>
 *
 * <p>Calls for one connection come one at a time, in order, on that connection's Netty event loop ({@link
 * WebSocketConnection#executor()}): {@code onOpen} first, then its messages, then {@code onClose} exactly once. They
 * must not block: hand slow work (a database) to an executor of your own. An exception thrown by a callback closes
 * the connection with 1011.
 */
public interface WebSocketHandler {
  /**
   * The handshake is complete; the connection may send. Does nothing by default.
   *
   * @param connection the new connection
   */
  default void onOpen(WebSocketConnection connection) {}

  /**
   * A complete text message (its fragments joined; valid UTF-8, checked as the fragments arrived). Does nothing by
   * default.
   *
   * @param connection the connection it came on
   * @param text the message
   */
  default void onText(WebSocketConnection connection, String text) {}

  /**
   * A complete binary message (its fragments joined). Does nothing by default.
   *
   * @param connection the connection it came on
   * @param data the message, a new array the handler may keep
   */
  default void onBinary(WebSocketConnection connection, byte[] data) {}

  /**
   * The connection is closed, for one of these reasons:
   *
   * <ul>
   *   <li>the client's close frame: its code (1005 when it had none) and reason;
   *   <li>the server's close frame ({@link WebSocketConnection#close(int, String)}, a broken limit, a protocol error):
   *       the code sent (1002, 1007, 1008, 1009, 1011, 1013, ...) and its reason;
   *   <li>no close frame at all (the TCP connection dropped, the heartbeat timed out): 1006 with a description such
   *       as {@code "ping timeout"} or {@code "connection lost"}.
   * </ul>
   *
   * <p>An exception thrown here is logged. Does nothing by default.
   *
   * @param connection the closed connection; sends on it are dropped
   * @param code the close code, as listed above ({@link CloseCodes})
   * @param reason the close reason or description; empty when there was none
   */
  default void onClose(WebSocketConnection connection, int code, String reason) {}
}
