package io.switchboard.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.Deflater;

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
  private final boolean compress;
  /** The frame compressed without context takeover (RSV1 set), or the plain frame if compression did not pay. */
  private volatile byte[] deflatedFrame;

  private EngineMessage(String text, byte[] binary, String packet) {
    this(text, binary, packet, true);
  }

  private EngineMessage(String text, byte[] binary, String packet, boolean compress) {
    this.text = text;
    this.binary = binary;
    this.packet = packet;
    this.compress = compress;
  }

  /**
   * {@return this message with compression turned off: over a WebSocket with {@code permessage-deflate} it goes
   * uncompressed whatever its size (Socket.IO's {@code compress(false)})} This message itself when it already is.
   */
  public EngineMessage uncompressed() {
    return compress ? new EngineMessage(text, binary, packet, false) : this;
  }

  /** {@return whether the message may be compressed (true unless made by {@link #uncompressed()})} */
  public boolean compress() {
    return compress;
  }

  /**
   * {@return a text message}
   *
   * @param text the message; not null
   * @throws NullPointerException if {@code text} is null
   */
  public static EngineMessage text(String text) {
    return new EngineMessage(Objects.requireNonNull(text, "text"), null, "4" + text);
  }

  /**
   * {@return a binary message}
   *
   * @param data the message; not copied, so it must not change afterwards
   * @throws NullPointerException if {@code data} is null
   */
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
      f = frame(binary != null ? 0x2 : 0x1, false, wireBytes());
      webSocketFrame = f;
    }
    return f;
  }

  /**
   * The frame to send over a connection that negotiated {@code permessage-deflate} with no server context takeover:
   * the message compressed on its own (RSV1 set), built once and shared by every recipient, or the plain frame when
   * the message is under the threshold, not to be compressed, or does not shrink.
   */
  byte[] webSocketFrame(PerMessageDeflate options) {
    byte[] plain = webSocketFrame();
    if (!compress || payloadLength(plain) < options.threshold()) {
      return plain;
    }
    byte[] f = deflatedFrame;
    if (f == null) {
      f = deflatedFrame(plain, null, options.level());
      deflatedFrame = f;
    }
    return f;
  }

  /**
   * The frame to send over a connection whose own compressor keeps its context from message to message (server
   * context takeover): compressed for that connection alone, never shared.
   */
  byte[] webSocketFrame(PerMessageDeflate options, Deflater deflater) {
    byte[] plain = webSocketFrame();
    if (!compress || payloadLength(plain) < options.threshold()) {
      return plain;
    }
    return deflatedFrame(plain, deflater, options.level());
  }

  private static int headerLength(byte[] frame) {
    int len7 = frame[1] & 0x7F;
    return len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
  }

  private static int payloadLength(byte[] frame) {
    return frame.length - headerLength(frame);
  }

  private static byte[] deflatedFrame(byte[] plain, Deflater deflater, int level) {
    int header = headerLength(plain);
    byte[] compressed = PerMessageDeflateHandler.deflate(deflater, level, plain, header, plain.length - header);
    if (deflater == null && compressed.length >= plain.length - header) {
      return plain; // incompressible: the plain frame is smaller (a connection's own context must see every message)
    }
    return frame(plain[0] & 0x0F, true, compressed);
  }

  /** A complete unmasked frame with FIN set around this payload. */
  private static byte[] frame(int opcode, boolean rsv1, byte[] payload) {
    int n = payload.length;
    int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
    byte[] f = new byte[header + n];
    f[0] = (byte) (0x80 | (rsv1 ? 0x40 : 0) | opcode);
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
