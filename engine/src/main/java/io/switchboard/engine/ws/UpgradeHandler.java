package io.switchboard.engine.ws;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.engine.HttpPhaseHandler;
import io.switchboard.engine.HttpServer;
import io.switchboard.engine.InputGuard;
import io.switchboard.engine.OriginPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's handler on one HTTP connection: takes requests for its path, answers those that cannot become a
 * WebSocket, asks the authenticator, and turns the connection into a WebSocket (Netty's handshaker, then the input
 * guard, UTF-8 validator, aggregator and the connection's frame handler). Other requests pass on untouched.
 */
final class UpgradeHandler extends ChannelInboundHandlerAdapter implements HttpPhaseHandler {
  private static final Logger log = LoggerFactory.getLogger(UpgradeHandler.class);

  private enum Mode {
    /** Between requests. */
    IDLE,
    /** The current request is not ours: pass its content on. */
    PASS,
    /** The current request is ours: drop its content (an upgrade request has none). */
    OURS
  }

  private final WebSocketEndpoint endpoint;
  private final WebSocketOptions options;
  private Mode mode = Mode.IDLE;
  /** The upgrade waits for the authenticator. */
  private boolean deciding;
  /** The upgrade is done; this handler leaves once the request's last content has passed. */
  private boolean upgraded;

  UpgradeHandler(WebSocketEndpoint endpoint) {
    this.endpoint = endpoint;
    this.options = endpoint.options();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      if (deciding || upgraded) {
        ReferenceCountUtil.release(msg); // pipelined after an upgrade request: no answer can follow a 101
        return;
      }
      if (!isOurPath(req.uri())) {
        mode = Mode.PASS;
        ctx.fireChannelRead(msg);
        return;
      }
      mode = Mode.OURS;
      try {
        onRequest(ctx, req);
      } finally {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (msg instanceof HttpContent content) {
      boolean last = content instanceof LastHttpContent;
      if (mode == Mode.PASS) {
        if (last) {
          mode = Mode.IDLE;
        }
        ctx.fireChannelRead(msg);
        return;
      }
      content.release();
      if (last) {
        mode = Mode.IDLE;
        if (upgraded && !ctx.isRemoved()) {
          ctx.pipeline().remove(this);
        }
      }
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private boolean isOurPath(String uri) {
    String path = options.path();
    int q = uri.indexOf('?');
    int end = q < 0 ? uri.length() : q;
    return end == path.length() && uri.startsWith(path);
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.GET) {
      respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, null, "Allow", "GET");
      return;
    }
    String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
      respond(ctx, HttpResponseStatus.UPGRADE_REQUIRED, null, "Upgrade", "websocket");
      return;
    }
    if (!"13".equals(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      // RFC 6455 4.4; Netty would otherwise fall back to the drafts' framings
      respond(ctx, HttpResponseStatus.UPGRADE_REQUIRED, null, "Sec-WebSocket-Version", "13");
      return;
    }
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (origin != null && !OriginPolicy.isPrintableAscii(origin)) {
      respond(ctx, HttpResponseStatus.BAD_REQUEST, null);
      return;
    }
    if (!options.origins().allows(origin)) {
      log.debug("{}: origin {} refused", ctx.channel(), origin);
      respond(ctx, HttpResponseStatus.FORBIDDEN, null);
      return;
    }
    if (endpoint.isClosed()) {
      respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, null);
      return;
    }
    WebSocketRequest request = toRequest(ctx, req);
    FullHttpRequest full = new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(),
        Unpooled.EMPTY_BUFFER, req.headers(), EmptyHttpHeaders.INSTANCE);
    CompletionStage<Admission> decision;
    try {
      decision = options.authenticator().authenticate(request);
    } catch (RuntimeException e) {
      log.warn("the WebSocket authenticator failed; refusing the upgrade with 500", e);
      respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, null);
      return;
    }
    deciding = true;
    ScheduledFuture<?> timeout = ctx.executor().schedule(() -> {
      if (deciding) {
        deciding = false;
        log.debug("{}: the authenticator did not decide within {}", ctx.channel(), options.authTimeout());
        respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, null);
      }
    }, options.authTimeout().toNanos(), TimeUnit.NANOSECONDS);
    decision.whenComplete((admission, failure) -> {
      if (ctx.executor().inEventLoop()) {
        decided(ctx, full, request, admission, failure, timeout);
      } else {
        ctx.executor().execute(() -> decided(ctx, full, request, admission, failure, timeout));
      }
    });
  }

  private void decided(ChannelHandlerContext ctx, FullHttpRequest full, WebSocketRequest request,
      Admission admission, Throwable failure, ScheduledFuture<?> timeout) {
    if (!deciding) {
      return; // timed out
    }
    deciding = false;
    timeout.cancel(false);
    if (!ctx.channel().isActive()) {
      return;
    }
    if (failure != null || admission == null) {
      log.warn("the WebSocket authenticator failed; refusing the upgrade with 500", failure);
      respond(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, null);
      return;
    }
    if (!admission.accepted()) {
      log.debug("{}: upgrade refused with {}", ctx.channel(), admission.status());
      respond(ctx, HttpResponseStatus.valueOf(admission.status()), admission.body());
      return;
    }
    upgrade(ctx, full, request, admission);
  }

  private void upgrade(ChannelHandlerContext ctx, FullHttpRequest full, WebSocketRequest request,
      Admission admission) {
    Channel channel = ctx.channel();
    WebSocketDecoderConfig decoderConfig = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(options.maxPayload())
        .allowExtensions(false)
        .allowMaskMismatch(false)
        .closeOnProtocolViolation(false) // the connection sends the close frame itself, and reports it
        .build();
    String subprotocols = options.subprotocols().isEmpty() ? null : String.join(",", options.subprotocols());
    String scheme = request.secure() ? "wss://" : "ws://";
    String host = full.headers().get(HttpHeaderNames.HOST, "localhost");
    WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(scheme + host + options.path(),
        subprotocols, decoderConfig).newHandshaker(full);
    if (handshaker == null) {
      respond(ctx, HttpResponseStatus.UPGRADE_REQUIRED, null, "Sec-WebSocket-Version", "13");
      return;
    }
    WebSocketConnection connection = new WebSocketConnection(endpoint, channel, WebSocketEndpoint.newId(), request,
        admission.attachment());
    long high = options.maxOutboundBytes();
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark((int) Math.min(high / 2, Integer.MAX_VALUE),
        (int) Math.min(high, Integer.MAX_VALUE)));
    ChannelFuture handshake;
    try {
      handshake = handshaker.handshake(channel, full);
    } catch (RuntimeException e) {
      log.debug("{}: bad WebSocket handshake: {}", channel, e.toString());
      respond(ctx, HttpResponseStatus.BAD_REQUEST, null);
      return;
    }
    ChannelPipeline pipeline = ctx.pipeline();
    ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
    if (decoder == null) {
      return; // the handshake failed (no HTTP codec to replace): its future closes the connection below
    }
    String d = decoder.name();
    pipeline.addAfter(d, "ws.utf8", new Utf8FrameValidator(false));
    pipeline.addAfter("ws.utf8", "ws.aggregator", new WebSocketFrameAggregator(options.maxPayload()));
    pipeline.addAfter("ws.aggregator", "ws.connection", connection.frames);
    pipeline.addBefore(d, "ws.input", new InputGuard(options.maxPayload(), options.maxFragments(),
        options.maxFramesPerSecond(), endpoint.inputBudget(), connection::refuse));
    if (!options.pingInterval().isZero()) {
      pipeline.addBefore("ws.input", "ws.activity", connection.activity);
    }
    upgraded = true;
    HttpPhaseHandler.removeAll(pipeline); // this handler among them: the rest of the request goes past
    handshake.addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        connection.open(handshaker.selectedSubprotocol());
      } else {
        log.debug("{}: WebSocket handshake failed", channel, f.cause());
        channel.close();
      }
    });
  }

  /** Answers an upgrade request that will not become a WebSocket, and closes the connection. */
  private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String body, String... headers) {
    endpoint.countRefusedUpgrade();
    String text = body != null ? body : status.reasonPhrase();
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(text, CharsetUtil.UTF_8));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      res.headers().set(headers[i], headers[i + 1]);
    }
    HttpUtil.setContentLength(res, res.content().readableBytes());
    HttpUtil.setKeepAlive(res, false);
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }

  private static WebSocketRequest toRequest(ChannelHandlerContext ctx, HttpRequest req) {
    Map<String, String> headers = new HashMap<>();
    for (String name : req.headers().names()) {
      List<String> values = req.headers().getAll(name);
      headers.put(name.toLowerCase(Locale.ROOT), values.size() == 1 ? values.get(0) : String.join(", ", values));
    }
    QueryStringDecoder qs = new QueryStringDecoder(req.uri());
    Map<String, String> cookies = new HashMap<>();
    for (String header : req.headers().getAll(HttpHeaderNames.COOKIE)) {
      for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
        cookies.putIfAbsent(c.name(), c.value());
      }
    }
    InetSocketAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    InetAddress client = HttpServer.clientAddress(ctx.channel());
    InetSocketAddress remote = peer == null || client == null || client.equals(peer.getAddress())
        ? peer : new InetSocketAddress(client, 0);
    boolean secure = ctx.pipeline().get(SslHandler.class) != null;
    return new WebSocketRequest(req.method().name(), req.uri(), qs.path(), headers, qs.parameters(), cookies,
        remote, secure, Instant.now());
  }
}
