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

  /** The session id (server-generated, URL-safe). */
  String id();

  /** The request that opened the session. */
  EngineRequest request();

  /** The transport in use now. */
  Transport transport();

  /** The event loop this session lives on; timers and listener calls run there. */
  EventExecutor executor();

  /** Whether the session is open (not closing or closed). */
  boolean isOpen();

  /**
   * Whether a message sent now would go out at once rather than wait: a pending GET for polling, a writable channel
   * with nothing queued for WebSocket. Volatile messages are dropped when this is false.
   */
  boolean isWritable();

  /** Sets the listener for messages and close; call it from {@code onConnection}. */
  void listener(Listener listener);

  /** Sends a text message. */
  default void send(String text) {
    send(EngineMessage.text(text));
  }

  /** Sends a binary message; the array must not change afterwards. */
  default void send(byte[] data) {
    send(EngineMessage.binary(data));
  }

  /** Sends a message encoded once (shareable between recipients). Ignored once the session is closing. */
  void send(EngineMessage message);

  /** Sends several messages that must not be separated by others (e.g. a packet and its binary attachments). */
  void send(Iterable<EngineMessage> messages);

  /**
   * Marks the client as trusted (signed in, or past the application's handshake): from now on its input is bounded by
   * {@link EngineOptions#maxHttpBufferSize()} alone instead of {@link EngineOptions#untrustedInputLimit()}.
   */
  void trust();

  /** The server-wide budget of unfinished input, for an application that holds input until it is complete. */
  InputBudget inputBudget();

  /** Closes the session after what is queued has been written; the listener sees {@link CloseReason#FORCED_CLOSE}. */
  void close();

  /**
   * Closes the session after what is queued has been written, for this reason: {@link CloseReason#SERVER_SHUTTING_DOWN}
   * closes a WebSocket with status 1001 (going away) instead of 1000; either way the client sees its transport close
   * and an official client reconnects. The listener sees {@code reason}.
   */
  default void close(CloseReason reason) {
    close();
  }

  /** Receives what happens on one session. Methods run on the session's event loop. */
  interface Listener {
    /** A text message arrived. */
    default void onMessage(String text) {}

    /** A binary message arrived. */
    default void onBinary(byte[] data) {}

    /** The transport changed (polling to WebSocket). */
    default void onUpgrade(Transport transport) {}

    /** The session ended; called once. */
    default void onClose(CloseReason reason, String description) {}
  }
}
