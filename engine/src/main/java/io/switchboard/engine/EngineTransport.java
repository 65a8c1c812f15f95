package io.switchboard.engine;

import java.util.List;

/**
 * The session-facing side of a transport. Every method is called on the session's event loop; a transport reports
 * back through the session's methods.
 */
interface EngineTransport {
  Transport kind();

  /** Whether a batch can be written now. */
  boolean writable();

  /** Writes a batch; called only when {@link #writable()}. */
  void send(List<EngineMessage> packets);

  /** Ends the transport because the session ended. */
  void close(CloseReason reason, String description);

  /** Lets the transport go after an upgrade: a pending long-poll is released with a noop. */
  void discard();
}
