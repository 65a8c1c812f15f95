package io.switchboard.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a Spring bean whose {@link OnConnect}, {@link OnEvent} and {@link OnDisconnect} methods handle the sockets of
 * one namespace.
 *
 * <pre>{@code
 * @SocketController("/chat")
 * class ChatController {
 *   @OnEvent("message")
 *   Receipt message(Socket socket, @Valid Message msg) {   // the returned value is the acknowledgement
 *     socket.to(msg.room()).emit("message", msg);
 *     return new Receipt(msg.id());
 *   }
 * }
 * }</pre>
 *
 * <p>It is a {@link Component}: component scanning finds it. One instance serves every socket of the namespace, so it
 * keeps no per-socket state in fields (use {@code socket.data()} or the socket's rooms).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface SocketController {
  /** {@return the namespace whose sockets this controller handles, such as {@code "/chat"}; {@code "/"} by default} */
  @AliasFor("namespace")
  String value() default "/";

  /** {@return the namespace, as {@link #value()} (an alias, to write {@code namespace = "/chat"})} */
  @AliasFor("value")
  String namespace() default "/";
}
