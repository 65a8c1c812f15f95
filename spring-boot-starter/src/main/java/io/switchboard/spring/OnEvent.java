package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Handles one event of a {@link SocketController}'s namespace.
 *
 * <pre>{@code
 * @OnEvent("join")
 * String join(Socket socket, String room) {
 *   socket.join(room);
 *   return "ok";                                   // the client's callback receives "ok"
 * }
 * }</pre>
 *
 * <p>Parameters are bound by type: {@link io.switchboard.server.Socket}, {@link io.switchboard.server.Ack} (to answer
 * later or more than once), {@link io.switchboard.server.Args} (the raw arguments), {@link
 * io.switchboard.server.Namespace}; every other parameter takes the next event argument, converted by the server's
 * Jackson mapper (a missing one is {@code null}; {@code @Valid} checks it with Bean Validation). A returned value, or
 * the value of a returned {@code CompletionStage}, is the acknowledgement when the client asked for one; an exception
 * becomes an error acknowledgement (see {@link SocketExceptionHandler}). Runs on the server's handler executor, one
 * event at a time per client; it may block.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnEvent {
  /** {@return the event name, as the client's {@code socket.emit(name, ...)} sends it} */
  String value();
}
