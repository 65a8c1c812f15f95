package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the generator's clients received on the wire, over the whole run: bytes read from the sockets, and WebSocket
 * frames that came compressed (RSV1 set, {@code permessage-deflate}). One instance is shared by every client of a
 * pool; it sits at the head of each pipeline (bytes) and after the frame decoder (frames).
 *
 * <pre>{@code
 * pipeline.addFirst("wire", stats);                         // counts bytes
 * pipeline.addAfter("ws-decoder", "wire-frames", stats);    // counts compressed frames
 * long compressed = stats.compressedFrames();
 * }</pre>
 */
@ChannelHandler.Sharable
final class WireStats extends ChannelInboundHandlerAdapter {
  private static final int RSV1 = 0x4;

  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder framesIn = new LongAdder();
  private final LongAdder compressedFramesIn = new LongAdder();
  private final LongAdder deflateNegotiated = new LongAdder();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf b) {
      bytesIn.add(b.readableBytes());
    } else if (msg instanceof WebSocketFrame f) {
      framesIn.increment();
      if ((f.rsv() & RSV1) != 0) {
        compressedFramesIn.increment();
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Counts a connection on which the server accepted {@code permessage-deflate}. */
  void negotiated() {
    deflateNegotiated.increment();
  }

  /** Bytes read from the sockets. */
  long bytesIn() {
    return bytesIn.sum();
  }

  /** WebSocket frames received. */
  long framesIn() {
    return framesIn.sum();
  }

  /** WebSocket frames received with RSV1 set (compressed). */
  long compressedFramesIn() {
    return compressedFramesIn.sum();
  }

  /** Connections on which {@code permessage-deflate} was negotiated. */
  long deflateNegotiated() {
    return deflateNegotiated.sum();
  }
}
