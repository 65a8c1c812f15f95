package io.switchboard.engine.ws;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A message encoded once as a complete server-to-client WebSocket frame, to be sent to many connections: each
 * {@link WebSocketConnection#send(PreparedMessage)} writes a wrapper around the same bytes, so a broadcast to N
 * clients encodes (and copies) the message once, not N times.
 *
 * <pre>{@code
 * PreparedMessage news = PreparedMessage.text("{\"type\":\"news\",\"text\":\"hello\"}");
 * for (WebSocketConnection c : room) {
 *   c.send(news);
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; it holds no pooled memory, so nothing has to be released.
 */
public final class PreparedMessage {
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;

  private final byte[] frame;
  private final int payloadLength;
  private final boolean text;

  private PreparedMessage(int opcode, byte[] payload) {
    this.frame = encode(opcode, payload);
    this.payloadLength = payload.length;
    this.text = opcode == OP_TEXT;
  }

  /**
   * {@return a text message, encoded as UTF-8 once}
   *
   * @param text the message; not null
   * @throws NullPointerException if {@code text} is null
   */
  public static PreparedMessage text(String text) {
    return new PreparedMessage(OP_TEXT, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@return a binary message}
   *
   * @param data the message; copied into the frame, so it may be reused afterwards
   * @throws NullPointerException if {@code data} is null
   */
  public static PreparedMessage binary(byte[] data) {
    return new PreparedMessage(OP_BINARY, Objects.requireNonNull(data, "data"));
  }

  /** {@return whether this is a text message (else binary)} */
  public boolean isText() {
    return text;
  }

  /** {@return the payload's length in bytes: the message, UTF-8 encoded for text} */
  public int payloadLength() {
    return payloadLength;
  }

  /** {@return the frame's length in bytes, header (2 to 10 bytes) included} */
  public int frameLength() {
    return frame.length;
  }

  /** The encoded frame; not a copy: callers in this package must not change it. */
  byte[] frame() {
    return frame;
  }

  /** One final, unmasked frame (RFC 6455 5.2): FIN and opcode, the shortest length encoding, the payload. */
  private static byte[] encode(int opcode, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    byte[] out = new byte[header + n];
    out[0] = (byte) (0x80 | opcode);
    if (n < 126) {
      out[1] = (byte) n;
    } else if (n <= 0xFFFF) {
      out[1] = 126;
      out[2] = (byte) (n >>> 8);
      out[3] = (byte) n;
    } else {
      out[1] = 127;
      long len = n;
      for (int i = 0; i < 8; i++) {
        out[2 + i] = (byte) (len >>> (56 - 8 * i));
      }
    }
    System.arraycopy(payload, 0, out, header, n);
    return out;
  }
}
