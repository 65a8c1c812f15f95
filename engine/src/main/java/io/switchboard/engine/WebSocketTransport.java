package io.switchboard.engine;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport: one channel after the WebSocket handshake, carrying one packet per frame (text frames for
 * text packets, raw binary frames for binary messages). It either opens a new session or probes an upgrade of an
 * existing polling session.
 */
final class WebSocketTransport extends ChannelInboundHandlerAdapter implements EngineTransport {
  private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
  private static final EngineMessage PROBE_PONG = EngineMessage.control(PacketType.PONG, "probe");

  private final EngineServer server;
  private final EngineRequest request;
  private final String upgradeSid;
  private ChannelHandlerContext ctx;
  private volatile EngineSession session;
  private volatile CloseReason failure;
  private volatile String failureDescription;

  /**
   * @param upgradeSid the session to upgrade, or {@code null} to open a new session
   */
  WebSocketTransport(EngineServer server, EngineRequest request, String upgradeSid) {
    this.server = server;
    this.request = request;
    this.upgradeSid = upgradeSid;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
      if (upgradeSid == null) {
        EngineSession s = new EngineSession(server, EngineServer.newSessionId(), request, ctx.channel().eventLoop(),
            this);
        session = s;
        s.open();
      } else {
        EngineSession s = server.session(upgradeSid);
        if (s == null) {
          closeChannel(WebSocketCloseStatus.POLICY_VIOLATION, "Session ID unknown");
          return;
        }
        session = s;
        s.executor().execute(() -> s.onProbeOpened(this));
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg); // e.g. the empty last content of the upgrade request
      return;
    }
    EnginePacket packet;
    try {
      if (frame instanceof TextWebSocketFrame text) {
        packet = EngineParser.decodePacket(text.text());
      } else if (frame instanceof BinaryWebSocketFrame) {
        packet = EnginePacket.binaryMessage(ByteBufUtil.getBytes(frame.content()));
      } else {
        return; // ping, pong and close frames are answered by Netty's protocol handler
      }
    } catch (EngineParser.ParseException e) {
      EngineSession s = session;
      log.debug("session {}: bad packet over WebSocket: {}", s == null ? null : s.id(), e.getMessage());
      if (s != null) {
        String description = e.getMessage();
        s.executor().execute(() -> s.onTransportClosed(this, CloseReason.PARSE_ERROR, description));
      } else {
        closeChannel(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "parse error");
      }
      return;
    } finally {
      frame.release();
    }
    EngineSession s = session;
    if (s == null) {
      return; // a frame before the handshake completed cannot happen; ignore it
    }
    if (upgradeSid != null && packet.type() == PacketType.PING && "probe".equals(packet.text())) {
      // answer the probe at once, on this connection's own event loop; the session does the rest
      sendNow(PROBE_PONG);
    }
    if (s.executor().inEventLoop()) {
      s.onPacket(this, packet);
    } else {
      s.executor().execute(() -> s.onPacket(this, packet));
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    EngineSession s = session;
    if (s != null && ctx.channel().isWritable()) {
      s.executor().execute(s::flush);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    EngineSession s = session;
    if (s != null) {
      CloseReason reason = failure != null ? failure : CloseReason.TRANSPORT_CLOSE;
      String description = failure != null ? failureDescription : "transport close";
      s.executor().execute(() -> s.onTransportClosed(this, reason, description));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    failure = CloseReason.TRANSPORT_ERROR;
    if (cause instanceof TooLongFrameException) {
      failureDescription = "message too big";
      closeChannel(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too big");
    } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      // Netty's decoder has already sent the close frame with the right status
      failureDescription = "protocol error: " + corrupted.getMessage();
      ctx.close();
    } else {
      failureDescription = String.valueOf(cause.getMessage());
      log.debug("WebSocket error on {}", ctx.channel(), cause);
      ctx.close();
    }
  }

  @Override
  public Transport kind() {
    return Transport.WEBSOCKET;
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void send(List<EngineMessage> packets) {
    for (EngineMessage m : packets) {
      write(m);
    }
    ctx.flush();
  }

  /** Writes one packet outside the session's buffer (the {@code 3probe} answer). */
  void sendNow(EngineMessage m) {
    write(m);
    ctx.flush();
  }

  /**
   * Writes the message's pre-encoded frame: raw bytes pass the WebSocket frame encoder untouched, and every recipient
   * of a broadcast gets a wrapper around the same array.
   */
  private void write(EngineMessage m) {
    ctx.write(Unpooled.wrappedBuffer(m.webSocketFrame()), ctx.voidPromise());
  }

  @Override
  public void close(CloseReason reason, String description) {
    closeChannel(WebSocketCloseStatus.NORMAL_CLOSURE, reason.text());
  }

  @Override
  public void discard() {
    // nothing pending on a WebSocket
  }

  /** Sends a close frame with this status, then closes the connection. */
  void closeChannel(WebSocketCloseStatus status, String reason) {
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
