package io.switchboard.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Writes the HTTP responses of the Engine.IO endpoint: payloads, {@code ok}, and errors with their codes. */
final class Responses {
  static final String TEXT_PLAIN = "text/plain; charset=UTF-8";
  static final String TEXT_HTML = "text/html; charset=UTF-8";
  static final String JSON = "application/json";
  /** The body of a 503: not an Engine.IO error code (those are 0 to 5), so the HTTP status is repeated. */
  static final String BUSY_JSON = "{\"code\":503,\"message\":\"Server busy\"}";
  static final int RETRY_AFTER_SECONDS = 1;

  private Responses() {}

  /**
   * The context needed to answer one request later: where to write, whether the connection stays open, and the CORS
   * headers computed from the request.
   */
  record Exchange(ChannelHandlerContext ctx, boolean keepAlive, HttpHeaders corsHeaders) {
    boolean isActive() {
      return ctx.channel().isActive();
    }
  }

  static void text(Exchange ex, HttpResponseStatus status, String contentType, String body) {
    send(ex, status, contentType, ByteBufUtil.writeUtf8(ex.ctx().alloc(), body), ex.keepAlive());
  }

  static void error(Exchange ex, ErrorCode code) {
    send(ex, code.status(), JSON, ByteBufUtil.writeUtf8(ex.ctx().alloc(), code.json()), ex.keepAlive());
  }

  /** An error answered before the request body was read: the connection cannot be reused. */
  static void errorAndClose(Exchange ex, ErrorCode code) {
    send(ex, code.status(), JSON, ByteBufUtil.writeUtf8(ex.ctx().alloc(), code.json()), false);
  }

  /**
   * 503: the server holds as much unfinished input as it may ({@link EngineOptions#maxBufferedInput()}); the client
   * should retry in a moment. The body was not read, so the connection cannot be reused.
   */
  static void busy(Exchange ex) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
        ByteBufUtil.writeUtf8(ex.ctx().alloc(), BUSY_JSON));
    res.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    complete(ex, res, JSON, false);
  }

  /** The body of a 503 during a graceful shutdown (not an Engine.IO error code either). */
  static final String SHUTTING_DOWN_JSON = "{\"code\":503,\"message\":\"Server shutting down\"}";

  /**
   * 503 to a new session while the server drains ({@link EngineServer#drain()}): the client retries, on a new
   * connection, which a load balancer sends elsewhere.
   */
  static void shuttingDown(Exchange ex) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE,
        ByteBufUtil.writeUtf8(ex.ctx().alloc(), SHUTTING_DOWN_JSON));
    complete(ex, res, JSON, false);
  }

  /** 413: the body was not read, so the connection cannot be reused. */
  static void tooLarge(Exchange ex) {
    send(ex, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, TEXT_PLAIN,
        ByteBufUtil.writeUtf8(ex.ctx().alloc(), "Payload Too Large"), false);
  }

  static void noContent(Exchange ex, HttpHeaders extra) {
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT,
        Unpooled.EMPTY_BUFFER);
    res.headers().add(ex.corsHeaders()).add(extra);
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    finish(ex, res, ex.keepAlive());
  }

  private static void send(Exchange ex, HttpResponseStatus status, String contentType, ByteBuf body,
      boolean keepAlive) {
    complete(ex, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body), contentType, keepAlive);
  }

  private static void complete(Exchange ex, FullHttpResponse res, String contentType, boolean keepAlive) {
    HttpHeaders h = res.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    h.set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    h.set("X-Content-Type-Options", "nosniff");
    h.add(ex.corsHeaders());
    finish(ex, res, keepAlive);
  }

  private static void finish(Exchange ex, FullHttpResponse res, boolean keepAlive) {
    HttpUtil.setKeepAlive(res, keepAlive);
    if (keepAlive) {
      ex.ctx().writeAndFlush(res, ex.ctx().voidPromise());
    } else {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ex.ctx().writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
