package io.switchboard.bench.attack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Client WebSocket frames (RFC 6455) built once and shared: every frame is masked with the key {@code 00 00 00 00},
 * so the payload goes out as is and one buffer serves every connection through {@link ByteBuffer#duplicate()}.
 *
 * <pre>{@code
 * ByteBuffer bin = WsFrames.binary(100_000);           // one frame, built once
 * channel.write(bin.duplicate());                      // per connection: its own position, the same bytes
 * String event = WsFrames.placeholderEvent(10);        // 4510-["x",{"_placeholder":true,"num":0},…]
 * }</pre>
 */
final class WsFrames {
  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** The close code a close frame without a status stands for (RFC 6455, 7.1.5). */
  static final int NO_STATUS = 1005;

  /** The Engine.IO pong ({@code 3}) that answers the server's ping ({@code 2}), shared through duplicate(). */
  static final ByteBuffer ENGINE_PONG = text("3");

  private WsFrames() {}

  /** A masked text frame of {@code text} (UTF-8), read-only. */
  static ByteBuffer text(String text) {
    byte[] p = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(headerLength(p.length) + p.length);
    putHeader(b, TEXT, p.length);
    return b.put(p).flip().asReadOnlyBuffer();
  }

  /** A masked binary frame of {@code size} bytes of filler, in a direct read-only buffer. */
  static ByteBuffer binary(int size) {
    ByteBuffer b = ByteBuffer.allocateDirect(headerLength(size) + size);
    putHeader(b, BINARY, size);
    for (int i = 0; i < size; i++) {
      b.put((byte) ('a' + i % 26));
    }
    return b.flip().asReadOnlyBuffer();
  }

  /** A masked close frame with {@code code}, read-only. */
  static ByteBuffer close(int code) {
    ByteBuffer b = ByteBuffer.allocate(headerLength(2) + 2);
    putHeader(b, CLOSE, 2);
    return b.putShort((short) code).flip().asReadOnlyBuffer();
  }

  /** The bytes of a frame header with a zero mask key for a payload of {@code length} bytes. */
  static int headerLength(long length) {
    return (length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + 4;
  }

  private static void putHeader(ByteBuffer b, int opcode, long length) {
    b.put((byte) (0x80 | opcode));
    if (length < 126) {
      b.put((byte) (0x80 | length));
    } else if (length <= 0xFFFF) {
      b.put((byte) (0x80 | 126)).putShort((short) length);
    } else {
      b.put((byte) (0x80 | 127)).putLong(length);
    }
    b.putInt(0); // the mask key
  }

  /**
   * The Engine.IO message of a Socket.IO BINARY_EVENT on namespace {@code /} that announces {@code k} attachments:
   * {@code 45<k>-["x",{"_placeholder":true,"num":0},…,{"_placeholder":true,"num":k-1}]}.
   */
  static String placeholderEvent(int k) {
    StringBuilder sb = new StringBuilder(16 + 32 * k).append("45").append(k).append("-[\"x\"");
    for (int i = 0; i < k; i++) {
      sb.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
    }
    return sb.append(']').toString();
  }

  /** The close code of a close frame's payload ({@link #NO_STATUS} when it has none). */
  static int closeCode(byte[] payload) {
    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : NO_STATUS;
  }

  /**
   * Reads server frames from a byte stream fed in pieces. It keeps at most {@link #KEEP} bytes of each payload (the
   * rest is counted and dropped), so a server cannot make the attacker hold much.
   *
   * <pre>{@code
   * WsFrames.Reader r = new WsFrames.Reader();
   * r.feed(bytes, (opcode, payload, length) -> …);
   * }</pre>
   */
  static final class Reader {
    /** The most payload bytes kept per frame. */
    static final int KEEP = 4096;

    private final byte[] header = new byte[14];
    private int headerLength;
    private int headerNeeded = 2;
    private long remaining = -1; // -1: reading the header
    private long length;
    private int opcode;
    private byte[] payload;
    private int kept;
    private int maskOffset = -1;

    /** What to do with a whole frame. */
    interface Handler {
      /**
       * One frame.
       *
       * @param opcode  its opcode
       * @param payload its payload, at most {@link #KEEP} bytes of it
       * @param length  the payload's real length
       */
      void frame(int opcode, byte[] payload, long length);
    }

    /** Consumes all of {@code in}, calling {@code handler} for each frame it completes. */
    void feed(ByteBuffer in, Handler handler) {
      while (in.hasRemaining()) {
        if (remaining < 0) {
          header[headerLength++] = in.get();
          if (headerLength == 2) {
            int len7 = header[1] & 0x7f;
            headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
          }
          if (headerLength >= 2 && headerLength == headerNeeded) {
            startPayload();
            if (remaining == 0) {
              finish(handler);
            }
          }
        } else {
          int n = (int) Math.min(in.remaining(), remaining);
          int keep = Math.min(n, payload.length - kept);
          in.get(payload, kept, keep);
          kept += keep;
          in.position(in.position() + n - keep);
          remaining -= n;
          if (remaining == 0) {
            finish(handler);
          }
        }
      }
    }

    private void startPayload() {
      opcode = header[0] & 0x0f;
      int len7 = header[1] & 0x7f;
      int at = 2;
      if (len7 == 126) {
        length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        at = 4;
      } else if (len7 == 127) {
        length = 0;
        for (int i = 2; i < 10; i++) {
          length = (length << 8) | (header[i] & 0xffL);
        }
        at = 10;
      } else {
        length = len7;
      }
      if (length < 0) {
        throw new IllegalStateException("frame length out of range");
      }
      maskOffset = (header[1] & 0x80) != 0 ? at : -1;
      payload = new byte[(int) Math.min(length, KEEP)];
      kept = 0;
      remaining = length;
    }

    private void finish(Handler handler) {
      if (maskOffset >= 0) {
        for (int i = 0; i < kept; i++) {
          payload[i] ^= header[maskOffset + (i & 3)];
        }
      }
      byte[] p = payload;
      int op = opcode;
      long len = length;
      headerLength = 0;
      headerNeeded = 2;
      remaining = -1;
      payload = null;
      handler.frame(op, p, len);
    }
  }
}
