package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs when a socket has joined a {@link SocketController}'s namespace (after the connect middlewares let it in).
 *
 * <pre>{@code
 * @OnConnect
 * void connected(Socket socket) {
 *   socket.join("user:" + socket.handshake().auth().get("user"));
 * }
 * }</pre>
 *
 * <p>Parameters: {@link io.switchboard.server.Socket}, {@link io.switchboard.server.Namespace}, {@link
 * io.switchboard.server.Handshake}. The event handlers of the controller are in place before it runs. An exception is
 * given to the {@link SocketExceptionHandler}s (their answer goes nowhere) and then logged.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnConnect {}
