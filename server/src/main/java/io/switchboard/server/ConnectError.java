package io.switchboard.server;

/**
 * A refusal from a namespace middleware; the client receives CONNECT_ERROR with this message and data (its
 * {@code connect_error} event).
 *
 * <pre>{@code
 * io.use((socket, next) -> next.fail(new ConnectError("not authorized", Map.of("retryIn", 30))));
 * // client: 44{"message":"not authorized","data":{"retryIn":30}}
 * }</pre>
 */
public class ConnectError extends RuntimeException {
  private final transient Object data;

  /**
   * A refusal without data.
   *
   * @param message what the client receives as the error's {@code message}
   */
  public ConnectError(String message) {
    this(message, null);
  }

  /**
   * A refusal with details for the client.
   *
   * @param message what the client receives as the error's {@code message}
   * @param data    sent as the error's {@code data}, encoded with the server's Jackson mapper; {@code null} for none
   */
  public ConnectError(String message, Object data) {
    super(message, null, false, false);
    this.data = data;
  }

  /** {@return extra details sent to the client as {@code data}, or {@code null}} */
  public Object data() {
    return data;
  }
}
