package io.switchboard.server.parser;

/**
 * A client sent something that is not a valid Socket.IO packet; the server closes that client with "parse error".
 *
 * <pre>{@code
 * try {
 *   decoder.decode("42{}");
 * } catch (ProtocolViolationException e) {
 *   engineSocket.close();               // the client only; nothing reaches application code
 * }
 * }</pre>
 */
public final class ProtocolViolationException extends Exception {
  /**
   * Creates the exception; it has no stack trace (clients can provoke it at will, so it must be cheap).
   *
   * @param message what was wrong, for the server's debug log
   */
  public ProtocolViolationException(String message) {
    super(message, null, false, false);
  }
}
