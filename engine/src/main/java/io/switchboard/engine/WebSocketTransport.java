package io.switchboard.engine;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket transport: one channel after the WebSocket handshake, carrying one packet per frame (text frames for
 * text packets, raw binary frames for binary messages). It either opens a new session or probes an upgrade of an
 * existing polling session.
 */
final class WebSocketTransport extends ChannelInboundHandlerAdapter implements EngineTransport {
  /** The transport's name in the pipeline. */
  static final String NAME = "engine.wsTransport";
  private static final String AGGREGATOR = "engine.wsAggregator";
  private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);
  private static final EngineMessage PROBE_PONG = EngineMessage.control(PacketType.PONG, "probe");
  /** How long a refused client has to read our close frame (while its input is dropped) before the TCP close. */
  private static final long REFUSAL_LINGER_MILLIS = 1000;

  private final EngineServer server;
  private final EngineRequest request;
  private final String upgradeSid;
  private ChannelHandlerContext ctx;
  private volatile EngineSession session;
  private volatile CloseReason failure;
  private volatile String failureDescription;
  /** Set once a close frame was sent: nothing may follow it, not even another close frame. */
  private volatile int closeSent;
  private static final AtomicIntegerFieldUpdater<WebSocketTransport> CLOSE_SENT =
      AtomicIntegerFieldUpdater.newUpdater(WebSocketTransport.class, "closeSent");
  /** The {@code permessage-deflate} parameters agreed with the client, or {@code null}. */
  private final PerMessageDeflateHandler.Negotiated deflate;
  /**
   * The connection's own compressor, with server context takeover only; created on first use by the session's
   * executor, and freed by the JDK's cleaner once the transport is gone (the session may still write while the
   * channel closes, so it is never ended here).
   */
  private Deflater ownDeflater;

  /**
   * @param upgradeSid the session to upgrade, or {@code null} to open a new session
   */
  WebSocketTransport(EngineServer server, EngineRequest request, String upgradeSid) {
    this(server, request, upgradeSid, null);
  }

  /**
   * @param upgradeSid the session to upgrade, or {@code null} to open a new session
   * @param deflate the {@code permessage-deflate} parameters agreed with the client, or {@code null}
   */
  WebSocketTransport(EngineServer server, EngineRequest request, String upgradeSid,
      PerMessageDeflateHandler.Negotiated deflate) {
    this.server = server;
    this.request = request;
    this.upgradeSid = upgradeSid;
    this.deflate = deflate;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** The session this connection carries or probes, once the handshake is complete; {@code null} before. */
  EngineSession session() {
    return session;
  }

  /** The 101 response is out: opens the session, or offers this connection to the one it upgrades. On the loop. */
  void handshakeComplete() {
    // the InputGuard in front encodes the few frame objects written from now on (see there)
    ChannelPipeline pipeline = ctx.pipeline();
    if (pipeline.get(InputGuard.class) != null && pipeline.get(WebSocketFrameEncoder.class) != null) {
      pipeline.remove(WebSocketFrameEncoder.class);
    }
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
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg); // e.g. the empty last content of the upgrade request
      return;
    }
    if (!frame.isFinalFragment()) { // only ever the first fragmented message: the aggregator takes the rest
      aggregateFromNowOn(ctx, frame);
      return;
    }
    EnginePacket packet;
    try {
      if (failure != null && !(frame instanceof CloseWebSocketFrame)) {
        return; // refused: only the client's answer to our close frame still matters
      }
      if (frame instanceof TextWebSocketFrame text) {
        if (!ByteBufUtil.isText(text.content(), StandardCharsets.UTF_8)) {
          refuseInvalidText(ctx);
          return;
        }
        packet = EngineParser.decodePacket(text.text());
      } else if (frame instanceof BinaryWebSocketFrame) {
        packet = EnginePacket.binaryMessage(ByteBufUtil.getBytes(frame.content()));
      } else {
        onControlFrame(ctx, frame);
        return;
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

  /**
   * The client fragmented a message: Netty's aggregator goes in front of the transport and assembles this message and
   * every later one (an idle connection that never fragments does without it), starting with this frame.
   */
  private void aggregateFromNowOn(ChannelHandlerContext ctx, WebSocketFrame first) throws Exception {
    WebSocketFrameAggregator aggregator = new WebSocketFrameAggregator(server.options().maxHttpBufferSize());
    ctx.pipeline().addBefore(ctx.name(), AGGREGATOR, aggregator);
    aggregator.channelRead(ctx.pipeline().context(aggregator), first);
  }

  /** A text message that is not UTF-8 (RFC 6455 8.1): close 1007, like Netty's validator would. */
  private void refuseInvalidText(ChannelHandlerContext ctx) {
    server.count(Refusal.PROTOCOL_ERROR, ctx.channel().remoteAddress());
    failure = CloseReason.TRANSPORT_ERROR;
    failureDescription = "protocol error: invalid UTF-8 in a text message";
    closeChannel(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid UTF-8");
  }

  /**
   * A ping is answered with a pong carrying its payload; a close frame is echoed (the client started the closing
   * handshake) or ends the connection (it answers ours); a pong needs nothing. The frame is released by the caller.
   */
  private void onControlFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
    if (frame instanceof PingWebSocketFrame) {
      if (closeSent == 0) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      }
    } else if (frame instanceof CloseWebSocketFrame) {
      if (CLOSE_SENT.compareAndSet(this, 0, 1)) {
        ctx.writeAndFlush(frame.retain()).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.close();
      }
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
    if (failure != null || closeSent != 0) {
      // the connection is ending already (a write after our close frame fails, say): the first cause stands
      log.debug("WebSocket error while closing {}: {}", ctx.channel(), cause.toString());
      ctx.close();
      return;
    }
    failure = CloseReason.TRANSPORT_ERROR;
    if (cause instanceof TooLongFrameException) {
      server.count(Refusal.MESSAGE_TOO_BIG, ctx.channel().remoteAddress());
      failureDescription = "message too big";
      closeChannel(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too big");
    } else if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      // Netty's decoder has already sent the close frame with the right status
      server.count(Refusal.PROTOCOL_ERROR, ctx.channel().remoteAddress());
      closeSent = 1;
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
    ctx.write(Unpooled.wrappedBuffer(frame(m)), ctx.voidPromise());
  }

  /**
   * The frame for this connection: the plain one, the one compressed once for everyone (no server context
   * takeover), or one compressed by this connection's own compressor (context takeover: per recipient).
   */
  private byte[] frame(EngineMessage m) {
    if (deflate == null) {
      return m.webSocketFrame();
    }
    if (deflate.serverNoContext()) {
      return m.webSocketFrame(deflate.options());
    }
    if (ownDeflater == null) {
      ownDeflater = new Deflater(deflate.options().level(), true);
    }
    return m.webSocketFrame(deflate.options(), ownDeflater);
  }

  /** Ends the connection with a close frame: 1001 (going away) when the server shuts down, 1000 otherwise. */
  @Override
  public void close(CloseReason reason, String description) {
    closeChannel(reason == CloseReason.SERVER_SHUTTING_DOWN ? WebSocketCloseStatus.ENDPOINT_UNAVAILABLE
        : WebSocketCloseStatus.NORMAL_CLOSURE, reason.text());
  }

  @Override
  public void discard() {
    // nothing pending on a WebSocket
  }

  /** Sends a close frame with this status, then closes the connection; once only. */
  void closeChannel(WebSocketCloseStatus status, String reason) {
    if (ctx.channel().isActive() && CLOSE_SENT.compareAndSet(this, 0, 1)) {
      ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Ends the connection because its input broke a limit ({@link InputGuard}): sends the close frame, tells the session
   * at once, and closes TCP once the client had a moment to read the close frame (its input is dropped meanwhile, so
   * that the close does not turn into a reset that loses the frame). On the channel's event loop.
   *
   * @param closeSession whether the whole session ends even if this connection only probes an upgrade
   */
  void refuse(WebSocketCloseStatus status, String reason, String description, boolean closeSession) {
    failure = CloseReason.TRANSPORT_ERROR;
    failureDescription = description;
    Channel channel = ctx.channel();
    if (channel.isActive() && CLOSE_SENT.compareAndSet(this, 0, 1)) {
      ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(f -> {
        if (f.isSuccess() && channel instanceof DuplexChannel duplex && channel.isActive()) {
          duplex.shutdownOutput();
          channel.eventLoop().schedule(() -> channel.close(), REFUSAL_LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
          channel.close();
        }
      });
    } else {
      channel.close();
    }
    EngineSession s = session;
    if (s != null) {
      s.executor().execute(() -> {
        if (closeSession) {
          s.closeNow(CloseReason.TRANSPORT_ERROR, description);
        } else {
          s.onTransportClosed(this, CloseReason.TRANSPORT_ERROR, description);
        }
      });
    }
  }
}
