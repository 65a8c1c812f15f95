package io.switchboard.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Engine.IO endpoint on one HTTP connection: it checks each request under the Engine.IO path, answers errors,
 * hands polling requests to their session, and turns a WebSocket upgrade into a {@link WebSocketTransport}. Requests
 * for other paths pass to the next handler untouched.
 */
final class EngineHandler extends ChannelInboundHandlerAdapter implements HttpPhaseHandler {
  private static final Logger log = LoggerFactory.getLogger(EngineHandler.class);
  private static final Logger handshakeLog = LoggerFactory.getLogger(Logs.HANDSHAKE);

  private enum Mode {
    /** Between requests. */
    IDLE,
    /** The current request is not ours: pass its content on. */
    PASS,
    /** Reading a POST body for a session. */
    BODY,
    /** Dropping the rest of a request already answered. */
    DISCARD,
    /** The connection is becoming a WebSocket. */
    UPGRADING
  }

  private final EngineServer server;
  private final EngineOptions options;
  private Mode mode = Mode.IDLE;
  private CompositeByteBuf body;
  private EngineSession bodySession;
  private Responses.Exchange bodyExchange;
  /** Bytes of the body being read that are reserved from the server's input budget. */
  private long bodyReserved;

  EngineHandler(EngineServer server) {
    this.server = server;
    this.options = server.options();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      resetBody();
      QueryStringDecoder qs = new QueryStringDecoder(req.uri());
      if (!isEnginePath(qs.path())) {
        mode = Mode.PASS;
        ctx.fireChannelRead(msg);
        return;
      }
      try {
        mode = Mode.DISCARD;
        onRequest(ctx, req, qs);
      } finally {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpContent content) {
      switch (mode) {
        case PASS -> {
          if (content instanceof LastHttpContent) {
            mode = Mode.IDLE;
          }
          ctx.fireChannelRead(msg);
        }
        case BODY -> onBodyContent(ctx, content);
        case UPGRADING -> {
          content.release();
          if (!ctx.isRemoved()) { // without an HttpServer (which removes HTTP-phase handlers itself)
            ctx.pipeline().remove(this);
          }
        }
        default -> {
          if (content instanceof LastHttpContent) {
            mode = Mode.IDLE;
          }
          content.release();
        }
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    resetBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP error on {}", ctx.channel(), cause);
    resetBody();
    ctx.close();
  }

  private boolean isEnginePath(String path) {
    String p = options.path();
    return path.equals(p) || (path.length() == p.length() - 1 && p.startsWith(path));
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest req, QueryStringDecoder qs) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpHeaders cors = Cors.headers(options, req);
    boolean gzip = options.httpCompression()
        && HttpCompression.acceptsGzip(req.headers().get(HttpHeaderNames.ACCEPT_ENCODING));
    Responses.Exchange ex = new Responses.Exchange(ctx, keepAlive, cors, gzip);
    if (req.decoderResult().isFailure()) {
      Responses.error(new Responses.Exchange(ctx, false, cors), ErrorCode.BAD_REQUEST);
      return;
    }
    if (req.method() == HttpMethod.OPTIONS && options.cors() != null) {
      String origin = req.headers().get(HttpHeaderNames.ORIGIN);
      if (origin != null && isPrintableAscii(origin) && !options.originAllowed(origin)) {
        server.count(Refusal.ORIGIN, ctx.channel().remoteAddress());
        Responses.error(ex, ErrorCode.FORBIDDEN);
        return;
      }
      Responses.noContent(ex, Cors.preflightHeaders(options.cors(), req));
      return;
    }
    EngineRequest request = EngineRequest.of(ctx.channel(), req, qs);
    boolean upgrade = request.isWebSocketUpgrade();
    String sid = request.queryParam("sid");
    if (sid == null && server.isDraining() && !server.isClosed()) {
      log.debug("refusing a new session: the server is shutting down");
      Responses.shuttingDown(ex);
      return;
    }
    ErrorCode error = verify(req.method(), request, upgrade, sid);
    if (error != null) {
      server.count(error);
      if (handshakeLog.isDebugEnabled()) {
        try (var c = Logs.context(sid, null, request.remoteAddress())) {
          handshakeLog.debug("refusing {} {}: {}", req.method(), req.uri(), error.message());
        }
      }
      Responses.error(ex, error);
      return;
    }
    if (upgrade) {
      startWebSocket(ctx, req, request, sid, ex);
      return;
    }
    if (sid == null) {
      // handshake over polling: the GET that opens the session gets the open packet
      PollingTransport polling = new PollingTransport();
      EngineSession session = new EngineSession(server, EngineServer.newSessionId(), request,
          ctx.channel().eventLoop(), polling);
      polling.bind(session);
      session.open();
      session.onPollingGet(ex);
      return;
    }
    EngineSession session = server.session(sid);
    if (req.method() == HttpMethod.GET) {
      session.executor().execute(() -> session.onPollingGet(ex));
    } else if (req.method() == HttpMethod.POST) {
      onPost(ctx, req, ex, session);
    } else {
      Responses.error(ex, ErrorCode.BAD_REQUEST);
    }
  }

  /**
   * A POST for a session: refused before its body is read if it is binary (protocol v4 posts text only), larger than
   * {@code maxHttpBufferSize}, more than an untrusted session may still send, or more than the server's input budget
   * can hold now; otherwise its body is read ({@link Mode#BODY}).
   */
  private void onPost(ChannelHandlerContext ctx, HttpRequest req, Responses.Exchange ex, EngineSession session) {
    CharSequence mime = HttpUtil.getMimeType(req);
    if (mime != null && HttpHeaderValues.APPLICATION_OCTET_STREAM.contentEqualsIgnoreCase(mime)) {
      server.count(Refusal.BINARY_POLLING_BODY, ctx.channel().remoteAddress());
      log.debug("session {}: binary POST", session.id());
      Responses.errorAndClose(ex, ErrorCode.BAD_REQUEST);
      session.closeNow(CloseReason.TRANSPORT_ERROR, "invalid content");
      return;
    }
    long length = HttpUtil.getContentLength(req, -1L);
    if (length > options.maxHttpBufferSize()) {
      refuseTooLarge(ex, session);
      return;
    }
    if (length > 0 && session.untrustedAllowance() < length) {
      refuseUntrusted(ex, session);
      return;
    }
    if (length > 0) {
      if (!server.inputBudget().tryReserve(length)) {
        refuseBusy(ex, session);
        return;
      }
      bodyReserved = length;
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    mode = Mode.BODY;
    body = ctx.alloc().compositeBuffer();
    bodySession = session;
    bodyExchange = ex;
  }

  private void onBodyContent(ChannelHandlerContext ctx, HttpContent content) {
    ByteBuf chunk = content.content();
    int n = chunk.readableBytes();
    long size = body.readableBytes() + (long) n;
    EngineSession session = bodySession;
    Responses.Exchange ex = bodyExchange;
    Refusal refusal = null;
    if (size > options.maxHttpBufferSize()) {
      refusal = Refusal.MESSAGE_TOO_BIG;
    } else if (n > 0 && session.chargeUntrusted(n) < 0) {
      refusal = Refusal.UNTRUSTED_INPUT_LIMIT;
    } else if (size > bodyReserved) { // a chunked body, reserved as it comes
      if (server.inputBudget().tryReserve(size - bodyReserved)) {
        bodyReserved = size;
      } else {
        refusal = Refusal.INPUT_BUDGET;
      }
    }
    if (refusal != null) {
      content.release();
      resetBody();
      mode = Mode.DISCARD;
      switch (refusal) {
        case MESSAGE_TOO_BIG -> refuseTooLarge(ex, session);
        case UNTRUSTED_INPUT_LIMIT -> refuseUntrusted(ex, session);
        default -> refuseBusy(ex, session);
      }
      return;
    }
    body.addComponent(true, chunk.retain());
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (last) {
      boolean utf8 = ByteBufUtil.isText(body, StandardCharsets.UTF_8);
      String text = utf8 ? body.toString(StandardCharsets.UTF_8) : null;
      resetBody();
      mode = Mode.IDLE;
      if (!utf8) {
        server.count(Refusal.INVALID_UTF8, ctx.channel().remoteAddress());
        log.debug("session {}: POST body is not UTF-8", session.id());
        Responses.error(ex, ErrorCode.BAD_REQUEST);
        session.closeNow(CloseReason.PARSE_ERROR, "invalid UTF-8 in payload");
        return;
      }
      session.executor().execute(() -> session.onPollingPost(ex, text));
    }
  }

  private void refuseTooLarge(Responses.Exchange ex, EngineSession session) {
    server.count(Refusal.MESSAGE_TOO_BIG, ex.ctx().channel().remoteAddress());
    log.debug("session {}: POST larger than {} bytes", session.id(), options.maxHttpBufferSize());
    Responses.tooLarge(ex);
    session.executor().execute(session::onPayloadTooLarge);
  }

  private void refuseUntrusted(Responses.Exchange ex, EngineSession session) {
    server.count(Refusal.UNTRUSTED_INPUT_LIMIT, ex.ctx().channel().remoteAddress());
    log.debug("session {}: untrusted input limit of {} bytes exceeded", session.id(), options.untrustedInputLimit());
    Responses.tooLarge(ex);
    session.closeNow(CloseReason.TRANSPORT_ERROR, "untrusted input limit exceeded");
  }

  /** 503: the session stays open; only this request fails. */
  private void refuseBusy(Responses.Exchange ex, EngineSession session) {
    server.count(Refusal.INPUT_BUDGET, ex.ctx().channel().remoteAddress());
    log.debug("session {}: POST refused, the input budget is exhausted ({})", session.id(), server.inputBudget());
    Responses.busy(ex);
  }

  private void resetBody() {
    if (body != null) {
      body.release();
      body = null;
    }
    if (bodyReserved > 0) {
      server.inputBudget().release(bodyReserved);
      bodyReserved = 0;
    }
    bodySession = null;
    bodyExchange = null;
  }

  /** The error for a request that may not proceed, or {@code null}. Runs before any session state changes. */
  private ErrorCode verify(HttpMethod method, EngineRequest request, boolean upgrade, String sid) {
    Transport transport = Transport.fromWireName(request.queryParam("transport"));
    if (transport == null || !options.transports().contains(transport)) {
      return ErrorCode.UNKNOWN_TRANSPORT;
    }
    if ((transport == Transport.WEBSOCKET) != upgrade) {
      return ErrorCode.BAD_REQUEST; // a WebSocket request must be an upgrade, and an upgrade must be WebSocket
    }
    if (upgrade && !isSupportedWebSocketVersion(request.header("sec-websocket-version"))) {
      // as the reference answers; Netty would otherwise fall back to the pre-RFC hixie-76 framing
      return ErrorCode.BAD_REQUEST;
    }
    String origin = request.header("origin");
    if (origin != null && !isPrintableAscii(origin)) {
      return ErrorCode.BAD_REQUEST;
    }
    if (!options.originAllowed(origin)) {
      server.count(Refusal.ORIGIN, request.remoteAddress());
      return ErrorCode.FORBIDDEN;
    }
    if (sid != null) {
      EngineSession session = server.session(sid);
      if (session == null) {
        return ErrorCode.UNKNOWN_SID;
      }
      if (upgrade) {
        if (!options.allowUpgrades()) {
          return ErrorCode.BAD_REQUEST;
        }
        if (!allowed(request)) {
          return ErrorCode.FORBIDDEN;
        }
      } else if (session.transport() != Transport.POLLING) {
        return ErrorCode.BAD_REQUEST;
      }
      return null;
    }
    if (method != HttpMethod.GET) {
      return ErrorCode.BAD_HANDSHAKE_METHOD;
    }
    if (!"4".equals(request.queryParam("EIO"))) {
      return ErrorCode.UNSUPPORTED_PROTOCOL_VERSION;
    }
    if (server.isClosed() || !allowed(request)) {
      return ErrorCode.FORBIDDEN;
    }
    return null;
  }

  private boolean allowed(EngineRequest request) {
    RequestVerifier verifier = options.allowRequest();
    if (verifier == null) {
      return true;
    }
    try {
      return verifier.allow(request);
    } catch (RuntimeException e) {
      log.warn("allowRequest failed; refusing the request", e);
      return false;
    }
  }

  /** RFC 6455 framing: version 13, or 8 (a draft with the same framing, which the reference accepts too). */
  private static boolean isSupportedWebSocketVersion(String version) {
    return "13".equals(version) || "8".equals(version);
  }

  private static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Turns the connection into a WebSocket: Netty's handshake for the protocol version the request asks for (checked
   * already: 13 or 8), the frame handlers of the connection, and the HTTP-only handlers out of the pipeline. The
   * {@link InputGuard} goes right before the HTTP decoder, where the handshake puts its frame decoder: it sees every
   * byte that follows the upgrade request before the decoder does. Ping and close frames are the transport's to
   * answer; no protocol handler stays in the pipeline.
   */
  private void startWebSocket(ChannelHandlerContext ctx, HttpRequest req, EngineRequest request, String sid,
      Responses.Exchange ex) {
    PerMessageDeflateHandler.Negotiated deflate = PerMessageDeflateHandler.negotiate(options.perMessageDeflate(),
        request.header("sec-websocket-extensions"));
    FullHttpRequest full = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
        Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE);
    WebSocketServerHandshaker handshaker = server.webSocketHandshakers(deflate != null).newHandshaker(full);
    if (handshaker == null) {
      Responses.errorAndClose(ex, ErrorCode.BAD_REQUEST);
      return;
    }
    String name = ctx.name();
    ChannelPipeline pipeline = ctx.pipeline();
    WebSocketTransport transport = new WebSocketTransport(server, request, sid, deflate);
    String first = name;
    if (deflate != null) {
      // before the transport, which checks that text is UTF-8 once inflated
      pipeline
          .addAfter(name, "engine.wsDeflate", new PerMessageDeflateHandler(server, transport, deflate))
          .addAfter("engine.wsDeflate", "engine.wsExtensions",
              new PerMessageDeflateHandler.ResponseHeader(deflate.responseHeader()));
      first = "engine.wsExtensions";
    }
    // no UTF-8 validator or frame aggregator per connection: the transport checks text itself, and adds an
    // aggregator the first time a client fragments a message (few ever do)
    pipeline.addAfter(first, WebSocketTransport.NAME, transport);
    ChannelHandlerContext decoder = pipeline.context(HttpRequestDecoder.class);
    if (decoder == null) {
      decoder = pipeline.context(HttpServerCodec.class);
    }
    if (decoder != null) { // without one, Netty's handshake fails and the connection closes
      pipeline.addBefore(decoder.name(), "engine.wsInput", new InputGuard(server, transport, deflate != null));
    }
    mode = Mode.UPGRADING;
    ChannelFuture handshake;
    try {
      handshake = handshaker.handshake(ctx.channel(), full);
    } catch (WebSocketHandshakeException e) {
      log.debug("bad WebSocket handshake on {}: {}", ctx.channel(), e.getMessage());
      Responses.errorAndClose(ex, ErrorCode.BAD_REQUEST);
      return;
    }
    handshake.addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        transport.handshakeComplete();
      } else {
        log.debug("WebSocket handshake failed on {}", f.channel(), f.cause());
        f.channel().close();
      }
    });
    HttpPhaseHandler.removeAll(pipeline); // this handler among them: the rest of the request goes past
  }

}
