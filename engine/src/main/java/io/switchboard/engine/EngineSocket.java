package io.switchboard.engine;

import io.netty.util.concurrent.EventExecutor;

/**
 * One Engine.IO session: a client that may change transports (polling to WebSocket) while it stays the same session.
 *
 * <pre>{@code
 * engine.onConnection(socket -> socket.listener(new EngineSocket.Listener() {
 *   public void onMessage(String text) { socket.send(text); }      // echo
 *   public void onClose(CloseReason reason, String description) { }
 * }));
 * }</pre>
 *
 * <p>Threading: each session lives on one event loop, {@link #executor()}. Listener methods are called there, in the
 * order the client sent its packets; they must not block. {@code send} and {@code close} may be called from any
 * thread. Back-pressure: outgoing messages wait in a bounded buffer; a client that stops reading until the buffer
 * exceeds {@link EngineOptions#maxBufferedBytes()} is closed with {@link CloseReason#TRANSPORT_ERROR}.
 */
public interface EngineSocket {

  /** {@return the session id (server-generated, URL-safe)} */
  String id();

  /** {@return the request that opened the session} */
  EngineRequest request();

  /** {@return the transport in use now} */
  Transport transport();

  /** {@return the event loop this session lives on; timers and listener calls run there} */
  EventExecutor executor();

  /** {@return whether the session is open (not closing or closed)} */
  boolean isOpen();

  /**
   * {@return whether a message sent now would go out at once rather than wait: a pending GET for polling, a writable
   * channel with nothing queued for WebSocket} Volatile messages are dropped when this is false.
   */
  boolean isWritable();

  /**
   * Sets the listener for messages and close, replacing any earlier one; call it from {@code onConnection}, so no
   * message arrives before it is set. Until then, messages are dropped.
   *
   * @param listener the listener; not null
   * @throws NullPointerException if {@code listener} is null
   */
  void listener(Listener listener);

  /**
   * Sends a text message; the same as {@code send(EngineMessage.text(text))}.
   *
   * @param text the message; not null
   * @throws NullPointerException if {@code text} is null
   */
  default void send(String text) {
    send(EngineMessage.text(text));
  }

  /**
   * Sends a binary message; the array is not copied and must not change afterwards. The same as
   * {@code send(EngineMessage.binary(data))}.
   *
   * @param data the message; not null
   * @throws NullPointerException if {@code data} is null
   */
  default void send(byte[] data) {
    send(EngineMessage.binary(data));
  }

  /**
   * Sends a message encoded once (shareable between recipients). Ignored once the session is closing.
   *
   * @param message the message; not null
   * @throws NullPointerException if {@code message} is null
   */
  void send(EngineMessage message);

  /**
   * Sends several messages that must not be separated by others (e.g. a packet and its binary attachments). Ignored
   * once the session is closing.
   *
   * @param messages the messages in order, iterated once at the call; none null
   * @throws NullPointerException if {@code messages} is or holds null
   */
  void send(Iterable<EngineMessage> messages);

  /**
   * Marks the client as trusted (signed in, or past the application's handshake): from now on its input is bounded by
   * {@link EngineOptions#maxHttpBufferSize()} alone instead of {@link EngineOptions#untrustedInputLimit()}.
   */
  void trust();

  /** {@return the server-wide budget of unfinished input, for an application that holds input until it is complete} */
  InputBudget inputBudget();

  /** Closes the session after what is queued has been written; the listener sees {@link CloseReason#FORCED_CLOSE}. */
  void close();

  /**
   * Closes the session after what is queued has been written, for this reason: {@link CloseReason#SERVER_SHUTTING_DOWN}
   * closes a WebSocket with status 1001 (going away) instead of 1000; either way the client sees its transport close
   * and an official client reconnects. The listener sees {@code reason}. The default implementation ignores the
   * reason and calls {@link #close()}.
   *
   * @param reason why the server closes the session; not null
   */
  default void close(CloseReason reason) {
    close();
  }

  /**
   * Receives what happens on one session, like the {@code message}, {@code upgrade} and {@code close} events of a
   * Node {@code engine.io} socket. Methods run on the session's event loop and must not block; an exception they
   * throw is logged at WARN with its stack trace, and the session goes on. Every method does nothing by default.
   */
  interface Listener {
    /**
     * A text message arrived.
     *
     * @param text the message
     */
    default void onMessage(String text) {}

    /**
     * A binary message arrived.
     *
     * @param data the message; the listener may keep it, the session does not reuse it
     */
    default void onBinary(byte[] data) {}

    /**
     * The transport changed (polling to WebSocket).
     *
     * @param transport the transport in use from now on
     */
    default void onUpgrade(Transport transport) {}

    /**
     * The session ended; called once, after which nothing more is sent or received.
     *
     * @param reason why it ended
     * @param description a short detail for logs, such as the error that failed the transport
     */
    default void onClose(CloseReason reason, String description) {}
  }
}
