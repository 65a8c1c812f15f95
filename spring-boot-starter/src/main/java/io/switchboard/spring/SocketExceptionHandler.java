package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Turns an exception thrown by an {@link OnEvent} method into the error acknowledgement the client receives.
 *
 * <pre>{@code
 * @SocketExceptionHandler
 * Map<String, Object> notFound(NoSuchElementException e) {
 *   return Map.of("error", "not_found", "message", e.getMessage());
 * }
 * }</pre>
 *
 * <p>Declared on a {@link SocketController} (for its own events) or on a {@link SocketControllerAdvice} bean (for
 * every controller); the controller's own handlers come first, then the one whose exception type is closest. The
 * handled types are the annotation's {@link #value()}, or else the type of the method's {@code Throwable} parameter.
 * Other parameters: {@link io.switchboard.server.Socket}, and a {@code String} for the event name. The returned value
 * is the acknowledgement (a {@code void} method sends none). Without a matching handler the acknowledgement is {@code
 * {"error": "<code>", "message": "..."}}: {@code "validation"} with {@code "violations": [{"path": .., "message":
 * ..}]} for a failed {@code @Valid}, {@code "bad_request"} for an argument that cannot be converted, and {@code
 * "internal"} (no details) for anything else, which is also logged.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SocketExceptionHandler {
  /** {@return the exception types handled (subtypes included); empty for the method's {@code Throwable} parameter's} */
  Class<? extends Throwable>[] value() default {};
}
