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
  /**
   * Handles the event, one event at a time per client, where {@link HandlerDispatch} says; if it may block, declare
   * the event with {@link Namespace#blocking(String...)}.
   *
   * @param data the first argument bound to {@code T}, or {@code null} if the event had no argument
   * @param ack  the answer to send, or {@link Ack#NONE} if the client asked for none
   * @throws Exception anything: it is logged and reported to {@link Socket#onError}, and the next event is handled
   */
  void handle(T data, Ack ack) throws Exception;
}
