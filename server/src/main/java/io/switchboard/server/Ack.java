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
   * Sends the answer: the client's callback receives {@code args}, encoded like those of {@link Socket#emit} (the
   * reference's {@code callback(...args)}). May be called from any thread, now or later; only the first call sends.
   *
   * @param args the values of the answer, in order; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return {@code true} if the answer was written; {@code false} if none was asked for, one was already sent, or the
   *     socket has left its namespace
   */
  boolean send(Object... args);
}
