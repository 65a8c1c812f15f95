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

  public ConnectError(String message) {
    this(message, null);
  }

  public ConnectError(String message, Object data) {
    super(message, null, false, false);
    this.data = data;
  }

  /** {@return extra details sent to the client as {@code data}, or {@code null}} */
  public Object data() {
    return data;
  }
}
