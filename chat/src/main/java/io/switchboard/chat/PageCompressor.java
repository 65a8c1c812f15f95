package io.switchboard.chat;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Locale;
import java.util.Set;

/**
 * Netty's {@link HttpContentCompressor} (gzip) limited to the page's text: HTML, CSS, JavaScript (the page's own and
 * the Socket.IO client bundle), JSON, SVG, of at least {@value #MIN_BYTES} bytes, for clients that accept gzip. Event
 * streams and Engine.IO's polling bodies are passed through untouched; a WebSocket upgrade removes it from the
 * pipeline (Netty's handshake does).
 *
 * <pre>{@code
 * pipeline.addLast("chat-guard", guard);
 * pipeline.addLast("chat-gzip", new PageCompressor()); // before the handlers that answer requests
 * io.configure(pipeline);
 * }</pre>
 */
final class PageCompressor extends HttpContentCompressor {
  /** Smaller bodies are sent as they are (gzip's header and trailer would eat the gain). */
  static final int MIN_BYTES = 1024;

  private static final Set<String> TYPES = Set.of(
      "text/html", "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml");

  PageCompressor() {
    super(MIN_BYTES, StandardCompressionOptions.gzip());
  }

  @Override
  protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
    if (!compressible(response.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      return null;
    }
    Result result = super.beginEncode(response, acceptEncoding);
    if (result != null) {
      response.headers().add(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
    }
    return result;
  }

  /** Whether a response of this content type is compressed (parameters such as the charset are ignored). */
  static boolean compressible(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return TYPES.contains(type);
  }
}
