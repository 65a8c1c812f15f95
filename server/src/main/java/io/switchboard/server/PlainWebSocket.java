package io.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.engine.ws.WebSocketConnection;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One plain WebSocket client (a browser's {@code new WebSocket(url)}, any RFC 6455 client) in a namespace's rooms:
 * {@code io.to("prices").emit("price", p)} reaches it as one text frame {@code {"event":"price","data":[p]}}, next to
 * the room's Socket.IO clients and event streams, on this server and across the cluster.
 *
 * <pre>{@code
 * io.webSocket("/ws", PlainWebSocketOptions.DEFAULT, ws -> {
 *   ws.onText(text -> { ws.join(text); ws.emit("joined", text); });
 *   ws.onBinary(bytes -> ws.send(bytes));
 *   ws.onDisconnect((code, reason) -> log.info("{} left: {} {}", ws.id(), code, reason));
 * });
 * }</pre>
 *
 * <p>Binary arguments of a broadcast ({@code byte[]}) are base64 strings in the JSON (one frame per broadcast, one
 * shape for every argument); {@link #send(byte[])} sends a binary frame of this client's own. A client's messages
 * reach its handlers one at a time, in order, on the server's handler executor (they may block). Other methods may be
 * called from any thread.
 */
public final class PlainWebSocket extends PlainMember {
  private static final Logger log = LoggerFactory.getLogger(PlainWebSocket.class);

  /** Told of the close code and reason when the connection is gone. */
  @FunctionalInterface
  public interface CloseListener {
    /**
     * Told once that the connection is gone, on the handler executor after the client's last message was handled.
     *
     * @param code   the close code: the client's, the server's, or 1006 when the connection dropped without one
     * @param reason the close reason, possibly empty
     */
    void onClose(int code, String reason);
  }

  private final WebSocketConnection conn;
  final SerialExecutor serial;
  private final CopyOnWriteArrayList<Consumer<String>> textHandlers = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<Consumer<byte[]>> binaryHandlers = new CopyOnWriteArrayList<>();
  private final CopyOnWriteArrayList<CloseListener> closeListeners = new CopyOnWriteArrayList<>();

  PlainWebSocket(Namespace nsp, Handshake handshake, String user, WebSocketConnection conn) {
    super(nsp, handshake, user);
    this.conn = conn;
    this.serial = new SerialExecutor(nsp.server().handlerExecutor(), nsp.server().stats());
  }

  /**
   * Adds a handler of each text message of the client (handlers run in the order added, on the handler executor). A
   * handler that throws closes the connection with 1011.
   *
   * @param handler given the message
   * @return this client
   */
  public PlainWebSocket onText(Consumer<String> handler) {
    textHandlers.add(handler);
    return this;
  }

  /**
   * Adds a handler of each binary message of the client (handlers run in the order added, on the handler executor). A
   * handler that throws closes the connection with 1011.
   *
   * @param handler given the message's bytes
   * @return this client
   */
  public PlainWebSocket onBinary(Consumer<byte[]> handler) {
    binaryHandlers.add(handler);
    return this;
  }

  /**
   * Adds a listener told once, with the close code (the client's, the server's, or 1006 when TCP dropped) and reason.
   *
   * @param listener the listener
   * @return this client
   */
  public PlainWebSocket onDisconnect(CloseListener listener) {
    closeListeners.add(listener);
    return this;
  }

  /**
   * Sends a text frame to this client only, queued if the socket is busy.
   *
   * @param text the frame's text
   */
  public void send(String text) {
    conn.send(text);
  }

  /**
   * Sends a binary frame to this client only, queued if the socket is busy.
   *
   * @param data the frame's bytes
   */
  public void send(byte[] data) {
    conn.send(data);
  }

  /**
   * Sends {@code {"event":event,"data":[args...]}}, the shape of a broadcast, to this client only.
   *
   * @param event the event name
   * @param args  the arguments, encoded as by {@link Socket#emit}; {@code byte[]} become base64 strings
   * @throws IllegalArgumentException if an argument cannot be encoded as JSON
   */
  public void emit(String event, Object... args) {
    ObjectNode o = nsp.codec().mapper().createObjectNode();
    o.put("event", event);
    o.set("data", nsp.codec().eventArray(null, args));
    try {
      conn.send(nsp.codec().mapper().writeValueAsString(o));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + event, e);
    }
  }

  /** Closes with 1000. */
  @Override
  public void close() {
    conn.close(1000, "");
  }

  /**
   * Closes with this code and reason; the close listeners are told when the connection is gone.
   *
   * @param code   the close code: 1000, 1001, 1008, 1011, or 3000-4999 for the application's
   * @param reason a short text, cut to 123 bytes of UTF-8
   */
  public void close(int code, String reason) {
    conn.close(code, reason);
  }

  /**
   * {@return whether the client reads fast enough that little is queued for it (volatile broadcasts skip it when not)}
   */
  public boolean isWritable() {
    return conn.isWritable();
  }

  @Override
  void deliver(Outgoing outgoing, boolean volatileEmit) {
    if (volatileEmit && !conn.isWritable()) {
      return;
    }
    var frame = outgoing.plainWebSocket();
    if (frame != null) {
      conn.send(frame);
    }
  }

  void onTextMessage(String text) {
    serial.execute(() -> {
      for (Consumer<String> h : textHandlers) {
        try {
          h.accept(text);
        } catch (RuntimeException e) {
          log.warn("{}: text handler failed", this, e);
          conn.close(1011, "handler failed");
        }
      }
    });
  }

  void onBinaryMessage(byte[] data) {
    serial.execute(() -> {
      for (Consumer<byte[]> h : binaryHandlers) {
        try {
          h.accept(data);
        } catch (RuntimeException e) {
          log.warn("{}: binary handler failed", this, e);
          conn.close(1011, "handler failed");
        }
      }
    });
  }

  void onClosed(int code, String reason) {
    gone();
    serial.execute(() -> {
      for (CloseListener l : closeListeners) {
        try {
          l.onClose(code, reason);
        } catch (RuntimeException e) {
          log.warn("{}: close listener failed", this, e);
        }
      }
    });
  }

  @Override
  public String toString() {
    return "PlainWebSocket[" + nsp.name() + " " + id() + "]";
  }
}
