package io.switchboard.spring;

import java.util.List;

/**
 * An event argument marked {@code @Valid} broke its Bean Validation constraints; the client's acknowledgement is
 * {@code {"error": "validation", "message": .., "violations": [{"path": .., "message": ..}]}} unless a {@link
 * SocketExceptionHandler} says otherwise.
 *
 * <pre>{@code
 * @SocketExceptionHandler
 * List<String> invalid(PayloadValidationException e) {
 *   return e.violations().stream().map(v -> v.path() + " " + v.message()).toList();
 * }
 * }</pre>
 */
public final class PayloadValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;

  /**
   * Makes the exception; the starter throws it while binding an event's arguments.
   *
   * @param violations the broken constraints, copied
   */
  public PayloadValidationException(List<Violation> violations) {
    super(violations.size() + " constraint violation(s): " + violations);
    this.violations = List.copyOf(violations);
  }

  /** {@return the broken constraints, an unmodifiable list} */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * One broken constraint: the property path inside the argument ({@code ""} for the argument itself) and the
   * message.
   *
   * @param path the property path inside the argument, such as {@code "items[0].name"}; {@code ""} for the argument
   * @param message the constraint's message, as Bean Validation interpolated it
   */
  public record Violation(String path, String message) {}
}
