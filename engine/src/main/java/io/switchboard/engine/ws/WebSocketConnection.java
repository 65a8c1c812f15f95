package io.switchboard.engine.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket connection of a {@link WebSocketEndpoint}: sends text, binary and pre-encoded messages, closes
 * with a code, and carries the upgrade request, the authenticator's attachment and attributes of the application's.
 *
 * <pre>{@code
 * public void onOpen(WebSocketConnection c) {
 *   User user = c.attachment();                       // what the authenticator accepted
 *   c.attributes().put("joinedAt", Instant.now());
 *   c.send("hello " + user.name());
 * }
 * ...
 * PreparedMessage news = PreparedMessage.text("news");  // encoded once
 * room.forEach(c -> c.send(news));                      // written to many
 * c.close(CloseCodes.NORMAL, "bye");
 * }</pre>
 *
 * <p>Every method is thread-safe. Sends are queued in order and never block; while more than {@link
 * WebSocketOptions#maxOutboundBytes()} is still queued for the client, a further send closes the connection with
 * 1008 "slow consumer" instead (the message is dropped). Once the connection is closing, sends are dropped silently.
 *
 * <p>Closing follows RFC 6455: a client's close frame gets the same code back, and then the server closes TCP;
 * after the server's own close frame it waits up to {@link WebSocketOptions#closeTimeout()} for the client's. Bad
 * input gets its close code (1002 protocol error, 1007 invalid UTF-8, 1008 policy, 1009 too big, 1013 server busy),
 * after which the client's input is dropped and TCP closes once the client has had the close frame (or after the
 * close timeout).
 */
public final class WebSocketConnection {
  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
  private static final int MAX_REASON_BYTES = 123;

  private final WebSocketEndpoint endpoint;
  private final Channel channel;
  private final String id;
  private final WebSocketRequest request;
  private final Object attachment;
  private final ConcurrentMap<String, Object> attributes = new ConcurrentHashMap<>();
  private final WebSocketHandler handler;
  private final WebSocketOptions options;
  final FrameHandler frames = new FrameHandler();
  /** Before the frame decoder: any byte from the client proves it alive, even in the middle of a long frame. */
  final Activity activity = new Activity();
  private volatile String subprotocol;
  /** Set when a close frame is queued (or the connection dropped): sends are dropped from then on. */
  private volatile boolean closing;

  // the rest is confined to the channel's event loop
  private boolean opened;
  private boolean closeSent;
  private boolean closeReceived;
  private boolean notified;
  private int closeCode = CloseCodes.ABNORMAL;
  private String closeReason = "connection lost";
  private long lastRead = System.nanoTime();
  private boolean pinged;
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> closeTimer;

  WebSocketConnection(WebSocketEndpoint endpoint, Channel channel, String id, WebSocketRequest request,
      Object attachment) {
    this.endpoint = endpoint;
    this.channel = channel;
    this.id = id;
    this.request = request;
    this.attachment = attachment;
    this.handler = endpoint.handler();
    this.options = endpoint.options();
  }

  /** {@return a random id, unique for the life of the process (144 bits, URL-safe base64)} */
  public String id() {
    return id;
  }

  /** {@return the upgrade request: path, query, headers, cookies, client address} */
  public WebSocketRequest request() {
    return request;
  }

  /**
   * {@return the client's address (behind a trusted proxy: the client it names)} The same as
   * {@code request().remoteAddress()}.
   */
  public InetSocketAddress remoteAddress() {
    return request.remoteAddress();
  }

  /** {@return the subprotocol selected at the handshake, or {@code null} when none was} */
  public String subprotocol() {
    return subprotocol;
  }

  /**
   * {@return what the authenticator accepted the connection with ({@link Admission#accept(Object)}), or {@code null}}
   *
   * @param <T> the attachment's type, as the caller expects it; not checked here, so a wrong one fails with a
   *     {@link ClassCastException} where the result is assigned
   */
  @SuppressWarnings("unchecked")
  public <T> T attachment() {
    return (T) attachment;
  }

  /** {@return the application's own values for this connection, a thread-safe map that starts empty} */
  public ConcurrentMap<String, Object> attributes() {
    return attributes;
  }

  /**
   * {@return the connection's event loop} The handler's calls run there; run work there to keep it ordered with them.
   */
  public Executor executor() {
    return channel.eventLoop();
  }

  /** {@return whether the connection is open and not closing} */
  public boolean isOpen() {
    return !closing && channel.isActive();
  }

  /**
   * {@return whether the client reads fast enough that nothing much is queued for it (the queue is below {@link
   * WebSocketOptions#maxOutboundBytes()})} A sender of many messages may pause while this is false.
   */
  public boolean isWritable() {
    return channel.isWritable();
  }

  /**
   * Sends a text message; see the class comment for ordering, slow consumers and sends after close.
   *
   * @param text the message; not null
   * @throws NullPointerException if {@code text} is null
   */
  public void send(String text) {
    Objects.requireNonNull(text, "text");
    if (admit()) {
      channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
    }
  }

  /**
   * Sends a binary message; the array is copied, so the caller may reuse it.
   *
   * @param data the message; not null
   * @throws NullPointerException if {@code data} is null
   */
  public void send(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (admit()) {
      channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(data)), channel.voidPromise());
    }
  }

  /**
   * Sends a message encoded once for many connections: this connection writes a wrapper around its bytes.
   *
   * @param message the prepared message; not null
   * @throws NullPointerException if {@code message} is null
   */
  public void send(PreparedMessage message) {
    Objects.requireNonNull(message, "message");
    if (admit()) {
      channel.writeAndFlush(Unpooled.wrappedBuffer(message.frame()), channel.voidPromise());
    }
  }

  /** Whether a message may be queued now; closes a slow consumer. */
  private boolean admit() {
    if (closing) {
      return false;
    }
    if (!channel.isWritable()) {
      endpoint.countSlowConsumer();
      log.debug("{}: slow consumer, more than {} bytes queued", this, options.maxOutboundBytes());
      close(CloseCodes.POLICY_VIOLATION, "slow consumer");
      return false;
    }
    return true;
  }

  /** Closes with 1000 (normal closure). */
  public void close() {
    close(CloseCodes.NORMAL, "");
  }

  /**
   * Sends a close frame with this code and reason, and closes TCP when the client answers (or after {@link
   * WebSocketOptions#closeTimeout()}); nothing is sent after it. A second call does nothing.
   *
   * @param code   a code that may be sent ({@link CloseCodes#isSendable(int)})
   * @param reason a short text; cut to 123 bytes of UTF-8; null for none
   * @throws IllegalArgumentException if the code may not be sent
   */
  public void close(int code, String reason) {
    if (!CloseCodes.isSendable(code)) {
      throw new IllegalArgumentException("close code " + code + " may not be sent");
    }
    String r = truncate(reason == null ? "" : reason);
    closing = true;
    if (channel.eventLoop().inEventLoop()) {
      startClose(code, r, false);
    } else {
      channel.eventLoop().execute(() -> startClose(code, r, false));
    }
  }

  @Override
  public String toString() {
    return "WebSocketConnection{" + id + ", " + channel.remoteAddress() + "}";
  }

  // ----------------------------------------------------------------------------------------------------------------
  // on the event loop

  /** The handshake's 101 went out. */
  void open(String selectedSubprotocol) {
    subprotocol = selectedSubprotocol;
    opened = true;
    lastRead = System.nanoTime();
    endpoint.register(this);
    if (!options.pingInterval().isZero()) {
      heartbeat = channel.eventLoop().schedule(this::heartbeat, options.pingInterval().toNanos(),
          TimeUnit.NANOSECONDS);
    }
    try {
      handler.onOpen(this);
    } catch (RuntimeException e) {
      handlerFailed("onOpen", e);
    }
  }

  /**
   * Sends a close frame. When the client broke the protocol or a limit ({@code failing}), its input is dropped
   * already: TCP is half-closed once the frame is out, and closed when the client closes its side or after the close
   * timeout. Otherwise the connection reads on until the client's close frame, or the timeout.
   */
  private void startClose(int code, String reason, boolean failing) {
    closing = true;
    if (closeSent || !channel.isActive()) {
      if (failing) {
        channel.close();
      }
      return;
    }
    closeSent = true;
    closeCode = code;
    closeReason = reason;
    long timeout = options.closeTimeout().toNanos();
    closeTimer = channel.eventLoop().schedule(() -> {
      log.debug("{}: no close frame from the client within {}", this, options.closeTimeout());
      channel.close();
    }, timeout, TimeUnit.NANOSECONDS);
    channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(f -> {
      if (!f.isSuccess()) {
        channel.close();
      } else if (failing && channel instanceof DuplexChannel duplex && channel.isActive()) {
        duplex.shutdownOutput();
      }
    });
  }

  /** The input broke a limit of the {@code InputGuard} (it drops the rest of the input). */
  void refuse(io.netty.handler.codec.http.websocketx.WebSocketCloseStatus status, String reason) {
    endpoint.countRefusal(status.code());
    startClose(status.code(), reason, true);
  }

  private void heartbeat() {
    heartbeat = null;
    if (!channel.isActive() || closing) {
      return;
    }
    long interval = options.pingInterval().toNanos();
    long timeout = options.pingTimeout().toNanos();
    long silent = System.nanoTime() - lastRead;
    if (silent >= interval + timeout) {
      log.debug("{}: ping timeout", this);
      endpoint.countPingTimeout();
      closing = true;
      closeReason = "ping timeout";
      channel.close();
      return;
    }
    long next;
    if (silent >= interval) {
      if (!pinged) {
        pinged = true;
        channel.writeAndFlush(new PingWebSocketFrame(), channel.voidPromise());
      }
      next = interval + timeout - silent;
    } else {
      next = interval - silent;
    }
    heartbeat = channel.eventLoop().schedule(this::heartbeat, next, TimeUnit.NANOSECONDS);
  }

  private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
    try {
      if (frame instanceof TextWebSocketFrame text) {
        if (!closing) {
          String s = text.content().toString(StandardCharsets.UTF_8);
          handler.onText(this, s);
        }
      } else if (frame instanceof BinaryWebSocketFrame binary) {
        if (!closing) {
          byte[] data = ByteBufUtil.getBytes(binary.content());
          handler.onBinary(this, data);
        }
      } else if (frame instanceof PingWebSocketFrame ping) {
        if (!closeSent) {
          ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()), ctx.voidPromise());
        }
      } else if (frame instanceof CloseWebSocketFrame close) {
        onCloseFrame(close);
      }
      // pong frames only prove the client alive
    } catch (RuntimeException e) {
      handlerFailed("a message handler", e);
    } finally {
      frame.release();
    }
  }

  /** The client's close frame (the {@code InputGuard} has checked its code and reason). */
  private void onCloseFrame(CloseWebSocketFrame close) {
    if (closeReceived) {
      return;
    }
    closeReceived = true;
    closing = true;
    if (closeSent) {
      channel.close(); // the answer to ours
      return;
    }
    closeSent = true;
    ByteBuf payload = close.content();
    if (payload.readableBytes() >= 2) {
      closeCode = payload.getUnsignedShort(payload.readerIndex());
      closeReason = payload.toString(payload.readerIndex() + 2, payload.readableBytes() - 2, StandardCharsets.UTF_8);
      channel.writeAndFlush(new CloseWebSocketFrame(closeCode, "")).addListener(ChannelFutureListener.CLOSE);
    } else {
      closeCode = CloseCodes.NO_STATUS;
      closeReason = "";
      channel.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void handlerFailed(String where, RuntimeException e) {
    log.warn("{}: {} failed; closing with 1011", this, where, e);
    startClose(CloseCodes.INTERNAL_ERROR, "internal error", false);
  }

  private void onInactive() {
    closing = true;
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
    if (closeTimer != null) {
      closeTimer.cancel(false);
      closeTimer = null;
    }
    if (!opened || notified) {
      return;
    }
    notified = true;
    endpoint.unregister(this);
    try {
      handler.onClose(this, closeCode, closeReason);
    } catch (RuntimeException e) {
      log.warn("{}: onClose failed", this, e);
    }
  }

  private void onError(Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      // Netty's decoder or UTF-8 validator: the frame broke RFC 6455; the decoder drops the rest of the input
      int code = corrupted.closeStatus().code();
      endpoint.countRefusal(code);
      log.debug("{}: {} ({})", this, corrupted.getMessage(), code);
      startClose(code, code == CloseCodes.INVALID_PAYLOAD ? "invalid UTF-8" : "protocol error", true);
    } else if (cause instanceof TooLongFrameException) {
      endpoint.countRefusal(CloseCodes.MESSAGE_TOO_BIG);
      startClose(CloseCodes.MESSAGE_TOO_BIG, "message too big", true);
    } else {
      log.debug("{}: closing after an error", this, cause);
      channel.close();
    }
  }

  private static String truncate(String reason) {
    byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_REASON_BYTES) {
      return reason;
    }
    int end = MAX_REASON_BYTES;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--; // not in the middle of a character
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** Notes when the client last sent anything, for the heartbeat; at the head of the WebSocket pipeline. */
  final class Activity extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastRead = System.nanoTime();
      pinged = false;
      ctx.fireChannelRead(msg);
    }
  }

  /**
   * The connection's handler in the pipeline, after Netty's frame decoder, UTF-8 validator and aggregator: hands
   * messages to the application, answers pings and close frames, and lets nothing out after a close frame.
   */
  final class FrameHandler extends ChannelDuplexHandler {
    /** Set once a close frame has gone past on its way out: later writes are dropped. */
    private boolean closeWritten;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof WebSocketFrame frame) {
        onFrame(ctx, frame);
      } else {
        ReferenceCountUtil.release(msg); // e.g. the empty last content of the upgrade request
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      onInactive();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      onError(cause);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (closeWritten) {
        ReferenceCountUtil.release(msg);
        if (!promise.isVoid()) {
          promise.trySuccess();
        }
        return;
      }
      if (msg instanceof CloseWebSocketFrame) {
        closeWritten = true;
      }
      ctx.write(msg, promise);
    }
  }
}
