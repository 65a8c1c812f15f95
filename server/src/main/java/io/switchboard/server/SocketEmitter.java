package io.switchboard.server;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * An emit to one socket with modifiers (timeout, volatile, compress); immutable, each modifier returns a new one.
 *
 * <pre>{@code
 * socket.timeout(Duration.ofSeconds(2)).emitWithAck("ready?")
 *     .thenAccept(answer -> log.info("client answered {}", answer));
 * socket.asVolatile().emit("position", x, y);      // dropped if the client cannot take it now
 * }</pre>
 */
public final class SocketEmitter {
  private final Socket socket;
  private final BroadcastFlags flags;

  SocketEmitter(Socket socket, BroadcastFlags flags) {
    this.socket = socket;
    this.flags = flags;
  }

  /**
   * Sets how long {@link #emitWithAck} waits for the answer (the reference's {@code socket.timeout(ms)}).
   *
   * @param timeout the wait, after which the stage fails with {@link AckTimeoutException}; {@code null} for no limit
   * @return a new emitter with this setting
   */
  public SocketEmitter timeout(Duration timeout) {
    return new SocketEmitter(socket, flags.withTimeout(timeout));
  }

  /**
   * Drops the packet if the client cannot take it right now, as {@link Socket#asVolatile()} explains.
   *
   * @return a new emitter with this setting
   */
  public SocketEmitter asVolatile() {
    return new SocketEmitter(socket, flags.withVolatile(true));
  }

  /**
   * Allows or forbids compression of the packet, as {@link Socket#compress(boolean)} explains.
   *
   * @param compress whether the packet may be compressed; the default is {@code true}
   * @return a new emitter with this setting
   */
  public SocketEmitter compress(boolean compress) {
    return new SocketEmitter(socket, flags.withCompress(compress));
  }

  /**
   * Emits an event to the socket with these settings, as {@link Socket#emit} does; the timeout does not apply.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return {@code true}, or {@code false} if the socket is not connected (nothing is sent)
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public boolean emit(String event, Object... args) {
    return socket.emit(event, args, flags);
  }

  /**
   * Emits an event and completes with the client's acknowledgement, as {@link Socket#emitWithAck} does.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return a stage that completes with the answer's arguments; it fails with {@link AckTimeoutException} when the
   *     timeout passes first, with {@link IllegalStateException} if the socket is not connected or leaves
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<Args> emitWithAck(String event, Object... args) {
    return socket.emitWithAck(event, args, flags);
  }
}
