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

  public PayloadValidationException(List<Violation> violations) {
    super(violations.size() + " constraint violation(s): " + violations);
    this.violations = List.copyOf(violations);
  }

  /** The broken constraints. */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * One broken constraint: the property path inside the argument ({@code ""} for the argument itself) and the
   * message.
   */
  public record Violation(String path, String message) {}
}
