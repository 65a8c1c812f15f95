package io.switchboard.spring;

/**
 * An event argument could not be converted to its parameter's type (or a primitive parameter had no argument); the
 * client's acknowledgement is {@code {"error": "bad_request", "message": ..}} unless a {@link SocketExceptionHandler}
 * says otherwise.
 *
 * <pre>{@code
 * @SocketExceptionHandler
 * String badInput(PayloadConversionException e) {
 *   return "unreadable: " + e.getMessage();
 * }
 * }</pre>
 */
public final class PayloadConversionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Makes the exception; the starter throws it while binding an event's arguments.
   *
   * @param message which argument of which event, and why; sent to the client as the acknowledgement's {@code message}
   * @param cause the mapper's exception, or {@code null}
   */
  public PayloadConversionException(String message, Throwable cause) {
    super(message, cause);
  }
}
