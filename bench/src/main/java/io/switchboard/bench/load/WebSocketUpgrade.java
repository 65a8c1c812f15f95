package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The client side of the WebSocket opening handshake, kept minimal so that thousands of connections cost little: it
 * writes the upgrade request, waits for {@code 101}, then replaces itself with Netty's frame codec.
 *
 * <pre>{@code
 * pipeline.addLast(new WebSocketUpgrade("127.0.0.1:3000", "/socket.io/?EIO=4&transport=websocket"), client);
 * }</pre>
 */
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
  private static final int MAX_RESPONSE = 8192;
  private static final int MAX_FRAME = 16 << 20;

  private final byte[] request;
  private ByteBuf response;

  WebSocketUpgrade(String hostAndPort, String pathAndQuery) {
    this.request = ("GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + hostAndPort + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: c3dpdGNoYm9hcmRiZW5jaA==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    response = ctx.alloc().buffer(256);
    ctx.writeAndFlush(ctx.alloc().buffer(request.length).writeBytes(request));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      response.writeBytes(in);
    } finally {
      in.release();
    }
    int end = ByteBufUtil.indexOf(HEADER_END, response);
    if (end < 0) {
      if (response.readableBytes() > MAX_RESPONSE) {
        fail(ctx, "upgrade response too long");
      }
      return;
    }
    String head = response.toString(response.readerIndex(), end, StandardCharsets.US_ASCII);
    if (!head.startsWith("HTTP/1.1 101")) {
      int eol = head.indexOf('\r');
      fail(ctx, "upgrade refused: " + (eol > 0 ? head.substring(0, eol) : head));
      return;
    }
    response.readerIndex(end + HEADER_END.readableBytes());
    ByteBuf rest = response.readableBytes() > 0 ? response.retainedSlice() : null;
    response.release();
    response = null;
    ctx.pipeline().addAfter(ctx.name(), "ws-decoder", new WebSocket13FrameDecoder(false, false, MAX_FRAME));
    ctx.pipeline().addAfter(ctx.name(), "ws-encoder", new WebSocket13FrameEncoder(true));
    if (rest != null) {
      ctx.fireChannelRead(rest); // the frames that came with the response go to the new decoder
    }
    ctx.pipeline().remove(this);
    ctx.fireUserEventTriggered(UPGRADED);
  }

  /** Fired down the pipeline once the frame codec is in place. */
  static final Object UPGRADED = new Object();

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (response != null) {
      response.release();
      response = null;
    }
  }

  private void fail(ChannelHandlerContext ctx, String why) {
    ctx.fireExceptionCaught(new IllegalStateException(why));
    ctx.close();
  }

  private static final ByteBuf HEADER_END =
      Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'\r', '\n', '\r', '\n'}));
}
