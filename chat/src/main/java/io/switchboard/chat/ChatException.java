package io.switchboard.chat;

/**
 * A request the chat refuses, with the message shown to the user (in an ack's {@code error} or an HTTP error body).
 *
 * <pre>{@code
 * throw new ChatException("Unknown recipient: carol");
 * }</pre>
 */
public final class ChatException extends RuntimeException {
  public ChatException(String message) {
    super(message, null, false, false);
  }
}
