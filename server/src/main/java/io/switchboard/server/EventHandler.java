package io.switchboard.server;

/**
 * Handles one event from a client, with its raw arguments.
 *
 * <pre>{@code
 * socket.on("chat message", (args, ack) -> io.emit("chat message", args.toArray()));
 * }</pre>
 *
 * <p>Runs on the server's handler executor, never on a Netty I/O thread, one event at a time per client, in the order
 * the client sent them; it may block.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(Args args, Ack ack) throws Exception;
}
