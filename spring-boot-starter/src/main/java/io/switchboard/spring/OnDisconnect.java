package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs when a socket of a {@link SocketController}'s namespace has left it.
 *
 * <pre>{@code
 * @OnDisconnect
 * void gone(Socket socket, DisconnectReason reason) {
 *   presence.offline(socket.id(), reason);
 * }
 * }</pre>
 *
 * <p>Parameters: {@link io.switchboard.server.Socket}, {@link io.switchboard.server.DisconnectReason}, {@link
 * io.switchboard.server.Namespace}, and a {@code String} for the reason's description.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface OnDisconnect {}
