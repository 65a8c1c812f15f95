package io.switchboard.engine;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * The only application handler of the plain-HTTP listener of {@link TlsOptions#httpRedirectPort()}: answers each
 * request with a redirect to the same host and path over HTTPS, {@code 301 Moved Permanently} for GET and HEAD and
 * {@code 308 Permanent Redirect} for other methods (which must keep their method and body), then closes the
 * connection. A request without a valid {@code Host} (a DNS name, IPv4 address or bracketed IPv6 address, with an
 * optional port) or with a target other than a path gets {@code 400}.
 *
 * <pre>{@code
 * pipeline.addLast("https-redirect", new HttpsRedirect(() -> 8443));
 * // GET /chat?x=1 with Host: example.com:8080  ->  301, Location: https://example.com:8443/chat?x=1
 * }</pre>
 */
final class HttpsRedirect extends SimpleChannelInboundHandler<HttpObject> implements HttpPhaseHandler {
  /** A reg-name of letters, digits, dots and hyphens, or an IPv6 literal in brackets; then an optional port. */
  private static final Pattern HOST = Pattern.compile(
      "(?<name>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");

  private final IntSupplier httpsPort;

  HttpsRedirect(IntSupplier httpsPort) {
    this.httpsPort = httpsPort;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
    if (!(msg instanceof HttpRequest req)) {
      return; // a body: dropped, the connection closes after the answer
    }
    String host = req.headers().get(HttpHeaderNames.HOST);
    String uri = req.uri();
    FullHttpResponse res;
    var m = host == null ? null : HOST.matcher(host.strip());
    if (m == null || !m.matches() || !uri.startsWith("/")) {
      res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
          Unpooled.copiedBuffer("Bad Request: a Host header and a path are needed", CharsetUtil.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
    } else {
      int port = httpsPort.getAsInt();
      String location = "https://" + m.group("name") + (port == 443 ? "" : ":" + port) + uri;
      boolean safe = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
      res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          safe ? HttpResponseStatus.MOVED_PERMANENTLY : HttpResponseStatus.PERMANENT_REDIRECT);
      res.headers().set(HttpHeaderNames.LOCATION, location);
    }
    HttpUtil.setContentLength(res, res.content().readableBytes());
    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
  }
}
