package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * What a scenario hears from one bench client; methods run on the client's event loop and must not block.
 *
 * <pre>{@code
 * ClientListener counter = new ClientListener() {
 *   public void onEvent(BenchClient c, ByteBuf frame) { received.increment(); }
 * };
 * }</pre>
 */
interface ClientListener {
  /** The Socket.IO CONNECT to {@code /} was accepted. */
  default void onConnected(BenchClient client) {}

  /** An EVENT packet arrived; {@code frame} is the whole text frame ({@code 42[...]}), valid during the call. */
  default void onEvent(BenchClient client, ByteBuf frame) {}

  /** An ACK packet for request {@code id} arrived; {@code frame} is the whole text frame, valid during the call. */
  default void onAck(BenchClient client, long id, ByteBuf frame) {}

  /** The connection failed or closed. */
  default void onClosed(BenchClient client, Throwable cause) {}
}
