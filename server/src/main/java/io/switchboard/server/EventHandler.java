package io.switchboard.server;

/**
 * Handles one event from a client, with its raw arguments.
 *
 * <pre>{@code
 * socket.on("chat message", (args, ack) -> io.emit("chat message", args.toArray()));
 * }</pre>
 *
 * <p>Runs one event at a time per client, in the order the client sent them, where {@link HandlerDispatch} says: by
 * default on the client's I/O thread until the event is declared ({@link Namespace#blocking(String...)}) or seen
 * blocking, then on the server's handler executor. Declare the events whose handlers block.
 */
@FunctionalInterface
public interface EventHandler {
  /**
   * Handles the event; the handlers of one event run in the order they were added.
   *
   * @param args the event's arguments, without its name
   * @param ack  the answer to send, or {@link Ack#NONE} if the client asked for none
   * @throws Exception anything: it is logged and reported to {@link Socket#onError}, and the next handler runs
   */
  void handle(Args args, Ack ack) throws Exception;
}
