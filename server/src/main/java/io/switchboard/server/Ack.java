package io.switchboard.server;

/**
 * The answer to an event the client sent with an acknowledgement callback; it can be sent once.
 *
 * <pre>{@code
 * socket.on("save", (args, ack) -> {
 *   long id = repository.save(args.get(0, Note.class));   // may block: handlers run off the I/O threads
 *   ack.send("ok", id);                                    // the client's callback receives ("ok", id)
 * });
 * }</pre>
 */
public interface Ack {
  /** An acknowledgement nobody asked for; {@link #send} does nothing. */
  Ack NONE = new Ack() {
    @Override
    public boolean requested() {
      return false;
    }

    @Override
    public boolean send(Object... args) {
      return false;
    }
  };

  /** {@return whether the client asked for an acknowledgement} */
  boolean requested();

  /**
   * Sends the answer; returns {@code false} if none was asked for or one was already sent.
   *
   * @return {@code true} (as in the reference server)
   */
  boolean send(Object... args);
}
