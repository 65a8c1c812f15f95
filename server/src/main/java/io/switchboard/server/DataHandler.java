package io.switchboard.server;

/**
 * Handles one event from a client, its first argument bound to a Java type by Jackson.
 *
 * <pre>{@code
 * record Message(String room, String text) {}
 * socket.on("message", Message.class, (msg, ack) -> io.to(msg.room()).emit("message", msg));
 * }</pre>
 *
 * @param <T> the type of the first argument
 */
@FunctionalInterface
public interface DataHandler<T> {
  void handle(T data, Ack ack) throws Exception;
}
