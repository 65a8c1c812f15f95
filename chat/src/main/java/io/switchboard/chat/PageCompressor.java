package io.switchboard.chat;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.switchboard.engine.HttpCompression;

/**
 * Netty's {@link HttpContentCompressor} (gzip) for the chat's dynamic responses (the JSON API), with the types and
 * threshold of {@link HttpCompression}: JSON, HTML, CSS, JavaScript, SVG of at least {@value #MIN_BYTES} bytes, for
 * clients that accept gzip. Responses gzipped already pass untouched: the page's files and the Socket.IO client
 * bundle are compressed once when loaded ({@link io.switchboard.engine.StaticContent}), Engine.IO polling bodies by
 * the engine. Event streams pass untouched too; a WebSocket upgrade removes it from the pipeline (Netty's handshake
 * does).
 *
 * <pre>{@code
 * pipeline.addLast("chat-guard", guard);
 * pipeline.addLast("chat-gzip", new PageCompressor()); // before the handlers that answer requests
 * io.configure(pipeline);
 * }</pre>
 */
final class PageCompressor extends HttpContentCompressor {
  /** Smaller bodies are sent as they are (gzip's header and trailer would eat the gain). */
  static final int MIN_BYTES = HttpCompression.THRESHOLD;

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
    return HttpCompression.compressible(contentType);
  }
}
