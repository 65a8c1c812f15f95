package io.switchboard.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * One simulated Socket.IO v5 client over a WebSocket-only Engine.IO v4 session: it answers the open packet with a
 * CONNECT to {@code /}, answers pings, and hands events and acks to its {@link ClientListener}.
 *
 * <pre>{@code
 * BenchClient c = new BenchClient(index, listener);
 * bootstrap.handler(c.initializer(hostPort, path)).connect(server);
 * c.send(Frames.join(c.alloc(), c.nextAckId(), "room"));   // later, once connected
 * }</pre>
 *
 * <p>All state is touched only on the channel's event loop.
 */
final class BenchClient extends ChannelInboundHandlerAdapter {
  private static final ByteBuf PONG = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'3'}));
  private static final ByteBuf CONNECT = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'4', '0'}));

  private enum State { OPENING, CONNECTING, CONNECTED, CLOSED }

  /** How the client talks to the server. */
  enum Kind {
    /** Socket.IO over Engine.IO's WebSocket. */
    SOCKETIO,
    /** A plain WebSocket ({@code /ws}): text frames {@code {"event":…,"data":…}}. */
    PLAIN_WS,
    /** A Server-Sent Events stream ({@code /sse?room=…}); each {@code data:} line is an event. */
    SSE;

    /** The kind of client {@code index} of a scenario: a third each in {@code mixed} (client 0, the emitter, is
     * Socket.IO), Socket.IO otherwise. */
    static Kind of(String scenario, int index) {
      return !scenario.equals("mixed") ? SOCKETIO : values()[index % 3];
    }
  }

  private static final ByteBuf SSE_DATA_LINE = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer("data: ".getBytes(StandardCharsets.US_ASCII)));
  private static final ByteBuf BLANK_LINE = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer(new byte[] {'\n', '\n'}));

  private final int index;
  private final Kind kind;
  private final ClientListener listener;
  private ByteBuf sseBuffer; // SSE: the bytes of an event not complete yet
  private final long startNanos = System.nanoTime();
  private volatile long connectedNanos;
  private State state = State.OPENING;
  private Channel channel;
  private long nextAckId;

  BenchClient(int index, ClientListener listener) {
    this(index, Kind.SOCKETIO, listener);
  }

  BenchClient(int index, Kind kind, ClientListener listener) {
    this.index = index;
    this.kind = kind;
    this.listener = listener;
  }

  /** How it talks to the server. */
  Kind kind() {
    return kind;
  }

  /** The path and query it connects to. */
  String target(String socketIoPath, String room) {
    return switch (kind) {
      case SOCKETIO -> socketIoPath + "?EIO=4&transport=websocket";
      case PLAIN_WS -> "/ws";
      case SSE -> "/sse?room=" + room;
    };
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (kind == Kind.SSE) {
      ctx.pipeline().addBefore(ctx.name(), "http", new HttpClientCodec());
      sseBuffer = ctx.alloc().buffer(1024);
      ctx.writeAndFlush(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, sseTarget));
    }
    ctx.fireChannelActive();
  }

  private String sseTarget;

  /** The SSE request target (set before connecting). */
  void sseTarget(String target) {
    this.sseTarget = target;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == WebSocketUpgrade.UPGRADED && kind == Kind.PLAIN_WS && state == State.OPENING) {
      state = State.CONNECTED;
      connectedNanos = System.nanoTime();
      listener.onConnected(this);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void onSse(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpResponse res) {
        if (res.status().code() != 200) {
          ctx.fireExceptionCaught(new IllegalStateException("stream refused: " + res.status()));
          ctx.close();
          return;
        }
        state = State.CONNECTED;
        connectedNanos = System.nanoTime();
        listener.onConnected(this);
      }
      if (msg instanceof HttpContent content && state == State.CONNECTED) {
        sseBuffer.writeBytes(content.content());
        int end;
        while ((end = ByteBufUtil.indexOf(BLANK_LINE, sseBuffer)) >= 0) {
          ByteBuf event = sseBuffer.slice(sseBuffer.readerIndex(), end - sseBuffer.readerIndex());
          if (event.readableBytes() > 0 && ByteBufUtil.indexOf(SSE_DATA_LINE, event) >= 0) {
            listener.onEvent(this, event);
          }
          sseBuffer.readerIndex(end + 2);
        }
        sseBuffer.discardSomeReadBytes();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The client's number in its scenario. */
  int index() {
    return index;
  }

  /** The channel, once registered. */
  Channel channel() {
    return channel;
  }

  /** Nanoseconds from the start of the TCP connect to the accepted Socket.IO CONNECT, or -1 if not connected. */
  long handshakeNanos() {
    long c = connectedNanos;
    return c == 0 ? -1 : c - startNanos;
  }

  /** A new ack id for a request. Event loop only. */
  long nextAckId() {
    return nextAckId++;
  }

  /** Writes one text frame without flushing. Event loop only. */
  void write(ByteBuf text) {
    channel.write(new TextWebSocketFrame(text), channel.voidPromise());
  }

  /** Writes one text frame and flushes. Event loop only. */
  void send(ByteBuf text) {
    channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (kind == Kind.SSE) {
      onSse(ctx, msg);
      return;
    }
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      if (frame instanceof TextWebSocketFrame) {
        onText(ctx, frame.content());
      } else if (frame instanceof PingWebSocketFrame) {
        ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
      } else if (frame instanceof CloseWebSocketFrame) {
        ctx.close();
      }
    } finally {
      frame.release();
    }
  }

  private void onText(ChannelHandlerContext ctx, ByteBuf f) {
    if (!f.isReadable()) {
      return;
    }
    if (kind == Kind.PLAIN_WS) {
      if (ByteBufUtil.indexOf(JOINED, f) >= 0) {
        listener.onAck(this, 0, f);
      } else {
        listener.onEvent(this, f);
      }
      return;
    }
    byte engineType = f.getByte(f.readerIndex());
    switch (engineType) {
      case '0' -> { // Engine.IO open: connect to the main namespace
        if (state == State.OPENING) {
          state = State.CONNECTING;
          ctx.writeAndFlush(new TextWebSocketFrame(CONNECT.duplicate()), ctx.voidPromise());
        }
      }
      case '2' -> ctx.writeAndFlush(new TextWebSocketFrame(PONG.duplicate()), ctx.voidPromise());
      case '4' -> onSocketIo(ctx, f);
      case '1' -> ctx.close();
      default -> { } // noop, pong
    }
  }

  private void onSocketIo(ChannelHandlerContext ctx, ByteBuf f) {
    if (f.readableBytes() < 2) {
      return;
    }
    byte type = f.getByte(f.readerIndex() + 1);
    switch (type) {
      case '0' -> {
        if (state == State.CONNECTING) {
          state = State.CONNECTED;
          connectedNanos = System.nanoTime();
          listener.onConnected(this);
        }
      }
      case '2' -> listener.onEvent(this, f);
      case '3' -> listener.onAck(this, Frames.ackId(f), f);
      case '4' -> {
        ctx.fireExceptionCaught(new IllegalStateException("connect error: " + f.toString(StandardCharsets.UTF_8)));
        ctx.close();
      }
      case '1' -> ctx.close();
      default -> { }
    }
  }

  private static final ByteBuf JOINED = Unpooled.unreleasableBuffer(
      Unpooled.wrappedBuffer("{\"event\":\"joined\"".getBytes(StandardCharsets.US_ASCII)));

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (sseBuffer != null) {
      sseBuffer.release();
      sseBuffer = null;
    }
    if (state != State.CLOSED) {
      State was = state;
      state = State.CLOSED;
      listener.onClosed(this, was == State.CONNECTED ? null : new IllegalStateException("closed while " + was));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      listener.onClosed(this, cause);
    }
    ctx.close();
  }

  /** Reports a failed TCP connect (no channel handler ran). */
  void connectFailed(Throwable cause) {
    if (state != State.CLOSED) {
      state = State.CLOSED;
      listener.onClosed(this, cause);
    }
  }

  /** Whether the Socket.IO connection is up. */
  boolean isConnected() {
    return state == State.CONNECTED && channel != null && channel.isActive();
  }
}
