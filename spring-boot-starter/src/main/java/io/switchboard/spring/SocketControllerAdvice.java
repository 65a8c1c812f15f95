package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Component;

/**
 * Marks a bean whose {@link SocketExceptionHandler} methods apply to every {@link SocketController}.
 *
 * <pre>{@code
 * @SocketControllerAdvice
 * class SocketErrors {
 *   @SocketExceptionHandler
 *   Map<String, String> denied(AccessDeniedException e) {
 *     return Map.of("error", "forbidden");
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface SocketControllerAdvice {}
