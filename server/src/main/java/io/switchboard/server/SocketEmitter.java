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

  public SocketEmitter timeout(Duration timeout) {
    return new SocketEmitter(socket, flags.withTimeout(timeout));
  }

  public SocketEmitter asVolatile() {
    return new SocketEmitter(socket, flags.withVolatile(true));
  }

  public SocketEmitter compress(boolean compress) {
    return new SocketEmitter(socket, flags.withCompress(compress));
  }

  /** {@return emits; returns {@code false} if the socket is not connected} */
  public boolean emit(String event, Object... args) {
    return socket.emit(event, args, flags);
  }

  /**
   * Emits and completes with the acknowledgement, or with {@link AckTimeoutException} after the timeout.
   *
   * @return a stage that completes as described above
   */
  public CompletionStage<Args> emitWithAck(String event, Object... args) {
    return socket.emitWithAck(event, args, flags);
  }
}
