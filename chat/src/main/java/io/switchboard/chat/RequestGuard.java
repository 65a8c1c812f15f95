package io.switchboard.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.chat.http.ClientErrors;

/**
 * The chat's first handler on each connection, after the library's strict HTTP handling (which already answers a
 * request the codec could not decode with 400/414/431 and closes): it refuses bodies over the chat's limit with 413
 * and closes, also for {@code Expect: 100-continue}, and, once it refused a connection, drops whatever else is read
 * and stops reading (an event stream's connection taking another request is closed by the library's endpoint).
 *
 * <pre>{@code
 * RequestGuard guard = new RequestGuard(errors);     // one per connection
 * pipeline.addLast("chat-guard", guard);
 * io.configure(pipeline);                             // Socket.IO
 * pipeline.addLast("chat-aggregator", guard.aggregator(64 * 1024));
 * pipeline.addLast("chat-api", api);
 * }</pre>
 *
 * <p>Bodies are the chat's {@code {"ok":false,"error":…}} with a fixed message, never the decoder's detail.
 */
final class RequestGuard extends ChannelInboundHandlerAdapter {
  private final ClientErrors errors;
  private boolean closing;

  /** A guard that logs what it refuses to {@code errors}. */
  RequestGuard(ClientErrors errors) {
    this.errors = errors;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  /** Whether this connection was refused and is closing. */
  boolean closing() {
    return closing;
  }

  /**
   * Answers {@code status} with a fixed JSON error and closes the connection once written; from now on this guard
   * drops whatever else is read, and reading stops. Call on the event loop.
   */
  void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
    refuse(ctx, status, null);
  }

  /** {@link #refuse(ChannelHandlerContext, HttpResponseStatus)}, naming the request in the log when it is known. */
  void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, HttpRequest request) {
    if (closing) {
      return;
    }
    closing = true;
    errors.log(ctx.channel(), status.code(), request == null ? "-" : request.method().name(),
        request == null ? "-" : rawPath(request.uri()), message(status) + "; connection closed");
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(errorResponse(status)).addListener(ChannelFutureListener.CLOSE);
  }

  /** A body aggregator of at most {@code maxContentLength} bytes that refuses bigger bodies through this guard. */
  HttpObjectAggregator aggregator(int maxContentLength) {
    return new Aggregator(maxContentLength, this);
  }

  static HttpResponseStatus statusOf(DecoderResult result) {
    Throwable cause = result.cause();
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongFrameException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  /** {@code {"ok":false,"error":…}} with the status's fixed text, and {@code Connection: close}. */
  static FullHttpResponse errorResponse(HttpResponseStatus status) {
    byte[] bytes;
    try {
      bytes = ChatJson.MAPPER.writeValueAsBytes(ChatJson.error(message(status)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    HttpUtil.setContentLength(res, bytes.length);
    HttpUtil.setKeepAlive(res, false);
    return res;
  }

  /** The path of a request line as sent (not decoded: it may be malformed), without the query. */
  private static String rawPath(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static String message(HttpResponseStatus status) {
    return switch (status.code()) {
      case 413 -> "Request body too large";
      case 414 -> "Request line too long";
      case 431 -> "Request headers too large";
      default -> "Bad request";
    };
  }

  /** Netty's aggregator, with bodies over the limit refused (413 and close) through the guard. */
  private static final class Aggregator extends HttpObjectAggregator {
    private final RequestGuard guard;

    Aggregator(int maxContentLength, RequestGuard guard) {
      super(maxContentLength, true);
      this.guard = guard;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      guard.refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, oversized instanceof HttpRequest r ? r : null);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
      Object res = super.newContinueResponse(start, maxContentLength, pipeline);
      if (res instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.CLIENT_ERROR) {
        // Netty answers 413 / 417 itself and closes (closeOnExpectationFailed): drop what follows
        guard.closing = true;
        guard.errors.log(pipeline.channel(), r.status().code(), "-", "-", "Expect: 100-continue refused");
        pipeline.channel().config().setAutoRead(false);
      }
      return res;
    }
  }
}
