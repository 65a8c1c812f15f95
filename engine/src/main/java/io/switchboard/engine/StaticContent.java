package io.switchboard.engine;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.Deflater;

/**
 * A file served from memory, compressed once when it is loaded: each request gets the gzip form (if the client
 * accepts it and it is smaller) or the original, with {@code Content-Length}, an ETag per form ({@code Vary:
 * Accept-Encoding} when there are two), answering {@code If-None-Match} with 304.
 *
 * <pre>{@code
 * StaticContent bundle = StaticContent.of(bytes, "application/javascript; charset=utf-8");
 * ctx.writeAndFlush(bundle.response(request.headers()));
 * }</pre>
 *
 * <p>Immutable; the arrays are shared by every response and must not change.
 */
public final class StaticContent {
  private final byte[] body;
  private final byte[] gzipped; // null when not smaller, or the type is not compressible
  private final String contentType;
  private final String etag;
  private final String gzipEtag;

  private StaticContent(byte[] body, byte[] gzipped, String contentType, String etag) {
    this.body = body;
    this.gzipped = gzipped;
    this.contentType = contentType;
    this.etag = etag;
    this.gzipEtag = etag.substring(0, etag.length() - 1) + "-gz\"";
  }

  /**
   * {@return the content with its gzip form computed now (at the highest level: it is done once), if the type is
   * compressible and the body at least {@link HttpCompression#THRESHOLD} bytes} Also hashes the body (SHA-256) for
   * the ETag; call it once at startup, not per request.
   *
   * @param body the file's bytes; not copied, so they must not change afterwards
   * @param contentType the {@code Content-Type} header value, such as {@code text/html; charset=utf-8}
   */
  public static StaticContent of(byte[] body, String contentType) {
    byte[] gz = null;
    if (body.length >= HttpCompression.THRESHOLD && HttpCompression.compressible(contentType)) {
      gz = HttpCompression.gzip(body, Deflater.BEST_COMPRESSION);
      if (gz.length >= body.length) {
        gz = null;
      }
    }
    return new StaticContent(body, gz, contentType, etag(body));
  }

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@return the original bytes (shared: do not modify)} */
  public byte[] body() {
    return body;
  }

  /** {@return the gzip form, or {@code null} if it is not served compressed (shared: do not modify)} */
  public byte[] gzipped() {
    return gzipped;
  }

  /** {@return the {@code Content-Type} header value of the responses} */
  public String contentType() {
    return contentType;
  }

  /** {@return the ETag of the original form, quoted; the gzip form's ends in {@code -gz}} */
  public String etag() {
    return etag;
  }

  /**
   * {@return a new response to a GET with these request headers: 304 if {@code If-None-Match} names the form the
   * client would get, else 200 with the gzip form when accepted} Its content wraps the shared array without copying;
   * writing it releases it. Cache-Control and connection headers are the caller's.
   *
   * @param request the request's headers; {@code Accept-Encoding} and {@code If-None-Match} are read
   */
  public FullHttpResponse response(HttpHeaders request) {
    boolean gzip = gzipped != null && HttpCompression.acceptsGzip(request.get(HttpHeaderNames.ACCEPT_ENCODING));
    String tag = gzip ? gzipEtag : etag;
    String ifNoneMatch = request.get(HttpHeaderNames.IF_NONE_MATCH);
    FullHttpResponse res;
    if (ifNoneMatch != null && matches(ifNoneMatch, tag)) {
      res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
    } else {
      res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(gzip ? gzipped : body));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      if (gzip) {
        res.headers().set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.GZIP);
      }
    }
    res.headers().set(HttpHeaderNames.ETAG, tag);
    if (gzipped != null) {
      res.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    }
    HttpUtil.setContentLength(res, res.content().readableBytes());
    return res;
  }

  private static boolean matches(String ifNoneMatch, String tag) {
    for (String t : ifNoneMatch.split(",")) {
      String s = t.trim();
      if (s.startsWith("W/")) {
        s = s.substring(2);
      }
      if (s.equals(tag) || s.equals("*")) {
        return true;
      }
    }
    return false;
  }
}
