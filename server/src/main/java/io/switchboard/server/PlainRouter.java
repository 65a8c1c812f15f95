package io.switchboard.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.engine.HttpPhaseHandler;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The per-connection handler in front of the Engine.IO one that hands requests for a plain endpoint's path (an
 * {@link SseEndpoint}, a plain WebSocket endpoint) to it, and passes everything else on.
 *
 * <pre>{@code
 * pipeline.addLast(new PlainRouter(Map.of("/events", sseEndpoint)));
 * }</pre>
 *
 * <p>Once a request went to an endpoint, the connection is that endpoint's: its request body is dropped, and so is
 * any later request on it (closing the connection: an EventSource sends none).
 */
final class PlainRouter extends ChannelInboundHandlerAdapter implements HttpPhaseHandler {
  /** A plain endpoint on a path. */
  interface Endpoint {
    String path();

    /** Takes a request for its path; the request's content has been or will be dropped. On the event loop. */
    void accept(ChannelHandlerContext ctx, HttpRequest req);
  }

  private final Map<String, Endpoint> endpoints;
  private boolean taken;      // the connection belongs to an endpoint
  private boolean swallowing; // dropping the content of the request an endpoint took

  PlainRouter(Map<String, Endpoint> endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req && !taken) {
      String uri = req.uri();
      int q = uri.indexOf('?');
      Endpoint e = endpoints.get(q < 0 ? uri : uri.substring(0, q));
      if (e == null) {
        ctx.fireChannelRead(msg);
        return;
      }
      taken = true;
      swallowing = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      e.accept(ctx, req);
      return;
    }
    if (taken) {
      if (msg instanceof HttpRequest) {
        ReferenceCountUtil.release(msg);
        ctx.close(); // a second request on a streaming connection
        return;
      }
      if (swallowing && msg instanceof HttpContent) {
        swallowing = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Answers with a status and a short JSON body, then closes. Any thread. */
  static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
    String text = message == null ? status.reasonPhrase() : message;
    String json = "{\"code\":" + status.code() + ",\"message\":\""
        + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setContentLength(res, res.content().readableBytes());
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }
}
