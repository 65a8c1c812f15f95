package io.switchboard.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * HTTP response compression (gzip) in one place: which requests accept it, which bodies are worth it, and the
 * compression itself. Engine.IO polling responses, the Socket.IO client bundle, and the chat's page use it.
 *
 * <pre>{@code
 * if (HttpCompression.acceptsGzip(request.headers().get("accept-encoding"))
 *     && body.length >= HttpCompression.THRESHOLD) {
 *   byte[] gz = HttpCompression.gzip(body);   // then Content-Encoding: gzip, Vary: Accept-Encoding
 * }
 * }</pre>
 *
 * <p>Only gzip: every client accepts it, and the JDK has it. Brotli would save another 15 to 20% on the client
 * bundle, but the Java implementations are native code (brotli4j) or unmaintained; not worth a native dependency for
 * a file served once per browser and cached.
 */
public final class HttpCompression {
  /** Smaller bodies go as they are: gzip's 18 bytes of framing and the CPU would eat the gain (as in Node). */
  public static final int THRESHOLD = 1024;

  private static final Set<String> TYPES = Set.of("text/html", "text/css", "text/javascript",
      "application/javascript", "application/json", "image/svg+xml");

  private HttpCompression() {}

  /**
   * {@return whether an {@code Accept-Encoding} header value accepts gzip: {@code gzip} (or {@code x-gzip}) or
   * {@code *} listed without {@code q=0}} An unreadable {@code q} counts as a refusal.
   *
   * @param acceptEncoding the header value; {@code null} (no header) accepts nothing
   */
  public static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    boolean star = false;
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.split(";");
      String coding = p[0].trim().toLowerCase(Locale.ROOT);
      boolean refused = false;
      for (int i = 1; i < p.length; i++) {
        String param = p[i].trim().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          try {
            refused = Double.parseDouble(param.substring(2)) <= 0;
          } catch (NumberFormatException e) {
            refused = true;
          }
        }
      }
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        return !refused;
      }
      if (coding.equals("*")) {
        star = !refused;
      }
    }
    return star;
  }

  /**
   * {@return whether bodies of this content type are worth compressing: HTML, CSS, JavaScript, JSON, SVG}
   *
   * @param contentType a {@code Content-Type} value, parameters such as {@code charset} allowed; {@code null} is not
   *     compressible
   */
  public static boolean compressible(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return TYPES.contains(type);
  }

  /**
   * {@return the gzip form of {@code data}, a new array}
   *
   * @param data the bytes to compress; not null
   * @param level the deflate level, 1 (fastest) to 9 (smallest)
   * @throws IllegalArgumentException if the level is out of range
   */
  public static byte[] gzip(byte[] data, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(level);
      }
    }) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return out.toByteArray();
  }

  /**
   * {@return the gzip form of {@code data} at the fastest level, a new array} For responses compressed as they are
   * sent.
   *
   * @param data the bytes to compress; not null
   */
  public static byte[] gzip(byte[] data) {
    return gzip(data, Deflater.BEST_SPEED);
  }
}
