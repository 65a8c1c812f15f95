package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketClientExtension;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateClientExtensionHandshaker;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The client side of the WebSocket opening handshake, kept minimal so that thousands of connections cost little: it
 * writes the upgrade request, waits for {@code 101}, then replaces itself with Netty's frame codec. With a
 * {@link WireStats} it offers {@code permessage-deflate} (Netty's client handshaker: no context takeover either way,
 * as the Switchboard server asks) and, when the server accepts, adds Netty's deflate encoder and decoder after the
 * frame codec, so the client compresses what it sends above no threshold and inflates what it receives.
 *
 * <pre>{@code
 * pipeline.addLast(new WebSocketUpgrade("127.0.0.1:3000", "/socket.io/?EIO=4&transport=websocket", null), client);
 * }</pre>
 */
final class WebSocketUpgrade extends ChannelInboundHandlerAdapter {
  private static final int MAX_RESPONSE = 8192;
  private static final int MAX_FRAME = 16 << 20;

  private final byte[] request;
  private final PerMessageDeflateClientExtensionHandshaker deflate;
  private final WireStats stats;
  private ByteBuf response;

  /**
   * @param stats where to count received bytes and compressed frames, with {@code permessage-deflate} offered; or
   *              {@code null}: no extension offered, nothing counted
   */
  WebSocketUpgrade(String hostAndPort, String pathAndQuery, WireStats stats) {
    this.stats = stats;
    // level 1 as the server; ask for no context takeover both ways (the server asks it of us anyway)
    this.deflate = stats == null ? null : new PerMessageDeflateClientExtensionHandshaker(1, false, 15, true, true);
    this.request = ("GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + hostAndPort + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: c3dpdGNoYm9hcmRiZW5jaA==\r\n"
        + (deflate == null ? "" : "Sec-WebSocket-Extensions: " + offer(deflate.newRequestData()) + "\r\n")
        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code name; param; param=value} (RFC 7692 section 5). */
  private static String offer(WebSocketExtensionData data) {
    StringBuilder sb = new StringBuilder(data.name());
    for (Map.Entry<String, String> p : data.parameters().entrySet()) {
      sb.append("; ").append(p.getKey());
      if (p.getValue() != null) {
        sb.append('=').append(p.getValue());
      }
    }
    return sb.toString();
  }

  /** The accepted extension in the response head, or {@code null}. */
  private WebSocketClientExtension accepted(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-extensions")) {
        for (WebSocketExtensionData data : WebSocketExtensionUtil.extractExtensions(line.substring(colon + 1).trim())) {
          WebSocketClientExtension e = deflate.handshakeExtension(data);
          if (e != null) {
            return e;
          }
        }
      }
    }
    return null;
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
    WebSocketClientExtension extension = deflate == null ? null : accepted(head);
    if (extension != null) {
      // inbound: ws-decoder, wire-frames (sees RSV1), deflate-decoder; outbound: deflate-encoder, ws-encoder
      stats.negotiated();
      ctx.pipeline().addAfter(ctx.name(), "deflate-encoder", extension.newExtensionEncoder());
      ctx.pipeline().addAfter(ctx.name(), "deflate-decoder", extension.newExtensionDecoder());
    }
    if (stats != null) {
      ctx.pipeline().addAfter(ctx.name(), "wire-frames", stats);
    }
    // frames with RSV1 are allowed only once the extension is negotiated
    ctx.pipeline().addAfter(ctx.name(), "ws-decoder",
        new WebSocket13FrameDecoder(false, extension != null, MAX_FRAME));
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
