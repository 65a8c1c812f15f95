package io.switchboard.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One Engine.IO message, encoded once so that a broadcast writes the same bytes to every recipient.
 *
 * <pre>{@code
 * EngineMessage hello = EngineMessage.text("hello");   // "4hello" on the wire
 * for (EngineSocket s : room) s.send(hello);           // no per-recipient encoding
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class EngineMessage {
  private final String text;
  private final byte[] binary;
  private final String packet;         // the whole text packet: "4" + text, or a control packet such as "2"
  private volatile String pollingForm; // the packet, or "b" + base64
  private volatile byte[] webSocketFrame; // the whole unmasked server frame: header and payload

  private EngineMessage(String text, byte[] binary, String packet) {
    this.text = text;
    this.binary = binary;
    this.packet = packet;
  }

  /** {@return a text message} */
  public static EngineMessage text(String text) {
    return new EngineMessage(Objects.requireNonNull(text, "text"), null, "4" + text);
  }

  /** {@return a binary message; the array is not copied and must not change afterwards} */
  public static EngineMessage binary(byte[] data) {
    return new EngineMessage(null, Objects.requireNonNull(data, "data"), null);
  }

  /** A packet that is not a message ({@code "2"} ping, {@code "6"} noop, {@code "0{...}"} open...). */
  static EngineMessage control(PacketType type, String data) {
    return new EngineMessage(null, null, type.code() + data);
  }

  /** Whether this is a message packet (as opposed to a control packet). */
  boolean isMessage() {
    return binary != null || text != null;
  }

  /** {@return whether this is a binary message} */
  public boolean isBinary() {
    return binary != null;
  }

  /** {@return the text, or {@code null} for a binary message} */
  public String text() {
    return text;
  }

  /** {@return the bytes, or {@code null} for a text message} Do not modify. */
  public byte[] binary() {
    return binary;
  }

  /** {@return the size in bytes of the message's WebSocket frame, header included: what a queued copy costs} */
  public int wireLength() {
    return webSocketFrame().length;
  }

  /** The WebSocket frame payload: {@code "4"+text} in UTF-8, or the raw bytes (shared: do not modify). */
  byte[] wireBytes() {
    return binary != null ? binary : packet.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The complete WebSocket frame a server sends for this packet (FIN, text or binary opcode, unmasked length, payload),
   * built once and written as is to every recipient, so that a broadcast costs no per-recipient encoding. Shared: do
   * not modify.
   */
  byte[] webSocketFrame() {
    byte[] f = webSocketFrame;
    if (f == null) {
      byte[] payload = wireBytes();
      int n = payload.length;
      int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
      f = new byte[header + n];
      f[0] = (byte) (0x80 | (binary != null ? 0x2 : 0x1));
      if (n < 126) {
        f[1] = (byte) n;
      } else if (n <= 0xFFFF) {
        f[1] = 126;
        f[2] = (byte) (n >>> 8);
        f[3] = (byte) n;
      } else {
        f[1] = 127;
        long len = n;
        for (int i = 0; i < 8; i++) {
          f[2 + i] = (byte) (len >>> (56 - 8 * i));
        }
      }
      System.arraycopy(payload, 0, f, header, n);
      webSocketFrame = f;
    }
    return f;
  }

  /** The packet as it appears inside an HTTP long-polling payload. */
  String pollingForm() {
    String s = pollingForm;
    if (s == null) {
      s = binary != null ? "b" + Base64.getEncoder().encodeToString(binary) : packet;
      pollingForm = s;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EngineMessage m && Objects.equals(packet, m.packet) && Arrays.equals(binary, m.binary);
  }

  @Override
  public int hashCode() {
    return Objects.hash(packet, Arrays.hashCode(binary));
  }

  @Override
  public String toString() {
    return binary != null ? "EngineMessage[binary, " + binary.length + " bytes]" : "EngineMessage[" + packet + "]";
  }
}
