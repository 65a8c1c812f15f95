package io.switchboard.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionUtil;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtension;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code permessage-deflate} extension (RFC 7692) on one WebSocket connection: the negotiation of its
 * parameters, and the inflation of the client's compressed messages, bounded by the message limit and the server's
 * input budget. Compressing goes the other way without a handler: the frames the server writes are built ahead
 * ({@link EngineMessage#webSocketFrame(PerMessageDeflate)}), compressed once for all recipients when the server uses
 * no context takeover.
 *
 * <pre>{@code
 * PerMessageDeflateHandler.Negotiated n = PerMessageDeflateHandler.negotiate(options, request.header(
 *     "sec-websocket-extensions"));
 * if (n != null) pipeline.addAfter(name, "engine.wsDeflate", new PerMessageDeflateHandler(server, transport, n));
 * }</pre>
 *
 * <p>The handler sits after Netty's protocol decoder and before its UTF-8 validator and frame aggregator: it gathers
 * the compressed frames of a message (their raw bytes are reserved by the {@link InputGuard} as they arrive), then
 * inflates the whole message in one go and passes it on as one uncompressed frame. Uncompressed messages pass
 * untouched. An inflated message larger than {@link EngineOptions#maxHttpBufferSize()}, or than what an untrusted
 * session may still send, closes the connection with 1009 as soon as its inflated bytes pass the limit; corrupt
 * compressed data closes it with 1007.
 */
final class PerMessageDeflateHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(PerMessageDeflateHandler.class);
  static final String EXTENSION = "permessage-deflate";
  private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
  private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
  static final int RSV1 = 0x4;
  /** The end of a sync flush, which RFC 7692 has the sender strip and the receiver add back. */
  private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
  private static final int MIN_OUTPUT = 4096;

  private static final FastThreadLocal<Inflater> SHARED_INFLATER = new FastThreadLocal<>() {
    @Override
    protected Inflater initialValue() {
      return new Inflater(true);
    }
  };

  /** One compressor per thread and level, reset after each message (no context takeover). */
  private static final FastThreadLocal<Deflater[]> SHARED_DEFLATERS = new FastThreadLocal<>() {
    @Override
    protected Deflater[] initialValue() {
      return new Deflater[Deflater.BEST_COMPRESSION + 1];
    }
  };

  /**
   * The parameters agreed with one client.
   *
   * @param serverNoContext whether the server compresses each message on its own
   * @param clientNoContext whether the client compresses each message on its own
   * @param responseHeader the {@code Sec-WebSocket-Extensions} value of the 101 response
   */
  record Negotiated(PerMessageDeflate options, boolean serverNoContext, boolean clientNoContext,
      String responseHeader) {}

  private final EngineServer server;
  private final WebSocketTransport transport;
  private final Negotiated negotiated;
  private final InputBudget budget;
  private final long maxMessage;
  /** The compressed frames of the message being received, or {@code null} between compressed messages. */
  private CompositeByteBuf parts;
  private boolean binary;
  private Inflater ownInflater;
  private boolean refused;
  /** The bytes of the message being inflated that are reserved from the input budget. */
  private long reserved;

  PerMessageDeflateHandler(EngineServer server, WebSocketTransport transport, Negotiated negotiated) {
    this.server = server;
    this.transport = transport;
    this.negotiated = negotiated;
    this.budget = server.inputBudget();
    this.maxMessage = server.options().maxHttpBufferSize();
  }

  /**
   * The parameters to accept from the client's {@code Sec-WebSocket-Extensions} offers, or {@code null} when the
   * extension is off, not offered, or offered only with parameters the server cannot honour (a smaller server window
   * than 15 bits, unknown parameters). Netty's handshaker checks each offer; the server then adds the no context
   * takeover parameters its options ask for.
   */
  static Negotiated negotiate(PerMessageDeflate options, String header) {
    if (!options.enabled() || header == null || header.isEmpty()) {
      return null;
    }
    java.util.List<WebSocketExtensionData> offers;
    try {
      offers = WebSocketExtensionUtil.extractExtensions(header);
    } catch (RuntimeException e) {
      return null;
    }
    PerMessageDeflateServerExtensionHandshaker checker = new PerMessageDeflateServerExtensionHandshaker(
        options.level(), false, options.clientMaxWindowBits(), true, options.clientNoContextTakeover());
    for (WebSocketExtensionData offer : offers) {
      if (!EXTENSION.equals(offer.name())) {
        continue;
      }
      WebSocketServerExtension accepted = checker.handshakeExtension(offer);
      if (accepted == null) {
        continue;
      }
      Map<String, String> params = accepted.newReponseData().parameters();
      boolean serverNoContext = options.serverNoContextTakeover() || offer.parameters().containsKey(SERVER_NO_CONTEXT);
      boolean clientNoContext = options.clientNoContextTakeover() || offer.parameters().containsKey(CLIENT_NO_CONTEXT);
      StringBuilder response = new StringBuilder(EXTENSION);
      if (serverNoContext) {
        response.append("; ").append(SERVER_NO_CONTEXT);
      }
      if (clientNoContext) {
        response.append("; ").append(CLIENT_NO_CONTEXT);
      }
      String clientWindow = params.get("client_max_window_bits");
      if (clientWindow != null && !clientWindow.isEmpty()) {
        response.append("; client_max_window_bits=").append(clientWindow);
      }
      return new Negotiated(options, serverNoContext, clientNoContext, response.toString());
    }
    return null;
  }

  /** Adds the agreed {@code Sec-WebSocket-Extensions} header to the 101 response, then leaves the pipeline. */
  static final class ResponseHeader extends ChannelOutboundHandlerAdapter {
    private final String value;

    ResponseHeader(String value) {
      this.value = value;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof HttpResponse r) {
        if (r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          r.headers().set(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, value);
        }
        ctx.pipeline().remove(this);
      }
      ctx.write(msg, promise);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (refused) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
      if ((frame.rsv() & RSV1) == 0) {
        ctx.fireChannelRead(msg);
        return;
      }
      binary = frame instanceof BinaryWebSocketFrame;
      parts = ctx.alloc().compositeBuffer(server.options().maxFragmentsPerMessage() + 1);
    } else if (!(frame instanceof ContinuationWebSocketFrame) || parts == null) {
      ctx.fireChannelRead(msg); // control frames, and the continuations of an uncompressed message
      return;
    }
    boolean last = frame.isFinalFragment();
    parts.addComponent(true, frame.content().retain());
    frame.release();
    if (last) {
      CompositeByteBuf compressed = parts;
      parts = null;
      try {
        inflate(ctx, compressed);
      } finally {
        compressed.release();
      }
    }
  }

  /** Inflates a complete message and passes it on, or refuses it. */
  private void inflate(ChannelHandlerContext ctx, CompositeByteBuf compressed) {
    long size = compressed.readableBytes();
    EngineSession session = transport.session();
    long allowance = session != null ? session.untrustedAllowance() : server.options().untrustedInputLimit();
    // the inflated bytes beyond the compressed ones count against what an untrusted session may still send
    long limit = allowance >= maxMessage ? maxMessage : Math.min(maxMessage, size + Math.max(0, allowance));
    Inflater inflater = negotiated.clientNoContext() ? SHARED_INFLATER.get() : ownInflater();
    ByteBuf out = ctx.alloc().heapBuffer((int) Math.min(limit + 1, Math.max(MIN_OUTPUT, size * 4)));
    reserved = 0;
    InputGuard.Verdict verdict = null;
    try {
      if (!budget.tryReserve(out.capacity())) {
        verdict = InputGuard.Verdict.BUSY;
        return;
      }
      reserved = out.capacity();
      for (ByteBuffer in : compressed.nioBuffers()) {
        inflater.setInput(in);
        verdict = drain(inflater, out, limit);
        if (verdict != null) {
          return;
        }
      }
      inflater.setInput(TAIL);
      verdict = drain(inflater, out, limit);
      if (verdict != null) {
        return;
      }
      if (session != null && out.readableBytes() > size) {
        session.chargeUntrusted(out.readableBytes() - size);
      }
      if (negotiated.clientNoContext() || inflater.finished()) {
        inflater.reset();
      }
      WebSocketFrame frame = binary ? new BinaryWebSocketFrame(true, 0, out) : new TextWebSocketFrame(true, 0, out);
      out = null;
      // released before passing it on, as the InputGuard does: whoever keeps the message longer reserves it itself
      budget.release(reserved);
      reserved = 0;
      ctx.fireChannelRead(frame);
    } catch (DataFormatException e) {
      log.debug("session {}: invalid compressed data: {}", session == null ? null : session.id(), e.getMessage());
      refused = true;
      inflater.reset();
      server.count(Refusal.PROTOCOL_ERROR, session == null ? ctx.channel().remoteAddress() : session.id());
      transport.refuse(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid compressed data",
          "invalid compressed data", false);
    } finally {
      if (out != null) {
        out.release();
      }
      budget.release(reserved);
      reserved = 0;
      if (verdict != null) {
        refused = true;
        inflater.reset();
        server.count(verdict.refusal, session == null ? ctx.channel().remoteAddress() : session.id());
        log.debug("session {}: inflated message refused: {}", session == null ? null : session.id(),
            verdict.description);
        transport.refuse(verdict.status, verdict.reason, verdict.description,
            verdict == InputGuard.Verdict.UNTRUSTED);
      }
    }
  }

  /**
   * Inflates what the inflater holds into {@code out}, growing it (and the budget reservation) up to {@code limit}
   * plus one byte; returns the limit broken, or {@code null} once the inflater needs more input.
   */
  private InputGuard.Verdict drain(Inflater inflater, ByteBuf out, long limit) throws DataFormatException {
    while (true) {
      if (out.writableBytes() == 0) {
        if (out.readableBytes() > limit) {
          return limit < maxMessage ? InputGuard.Verdict.UNTRUSTED : InputGuard.Verdict.TOO_BIG;
        }
        int grown = (int) Math.min(limit + 1, (long) out.capacity() * 2);
        if (!budget.tryReserve(grown - out.capacity())) {
          return InputGuard.Verdict.BUSY;
        }
        reserved += grown - out.capacity();
        out.capacity(grown);
      }
      int n = inflater.inflate(out.array(), out.arrayOffset() + out.writerIndex(), out.writableBytes());
      out.writerIndex(out.writerIndex() + n);
      if (out.readableBytes() > limit) {
        return limit < maxMessage ? InputGuard.Verdict.UNTRUSTED : InputGuard.Verdict.TOO_BIG;
      }
      if (n == 0) {
        if (inflater.needsInput() || inflater.finished()) {
          return null;
        }
        if (inflater.needsDictionary()) {
          throw new DataFormatException("a preset dictionary is not allowed");
        }
      }
    }
  }

  private Inflater ownInflater() {
    if (ownInflater == null) {
      ownInflater = new Inflater(true);
    }
    return ownInflater;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cleanUp();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cleanUp();
  }

  private void cleanUp() {
    if (parts != null) {
      parts.release();
      parts = null;
    }
    if (ownInflater != null) {
      ownInflater.end();
      ownInflater = null;
    }
  }

  /**
   * Compresses {@code len} bytes of {@code src} as one message: a raw deflate stream ending in a sync flush whose
   * four-byte tail is stripped (RFC 7692 7.2.1). With {@code deflater == null}, the calling thread's compressor for
   * the level is used and reset (no context takeover); otherwise the given compressor keeps its context.
   */
  static byte[] deflate(Deflater deflater, int level, byte[] src, int off, int len) {
    Deflater d = deflater;
    if (d == null) {
      Deflater[] byLevel = SHARED_DEFLATERS.get();
      d = byLevel[level];
      if (d == null) {
        d = new Deflater(level, true);
        byLevel[level] = d;
      }
    }
    try {
      d.setInput(src, off, len);
      byte[] out = new byte[Math.max(64, len / 2 + 16)];
      int n = 0;
      while (true) {
        n += d.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
        if (n < out.length) {
          break;
        }
        out = Arrays.copyOf(out, out.length * 2);
      }
      return Arrays.copyOf(out, n - TAIL.length);
    } finally {
      if (deflater == null) {
        d.reset();
      }
    }
  }
}
