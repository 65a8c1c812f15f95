package io.switchboard.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client over a plain TCP socket that writes frames byte by byte, so tests can send what a well-behaved
 * client never would: unmasked frames, reserved opcodes, invalid UTF-8, oversized or fragmented control frames.
 *
 * <pre>{@code
 * try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", port, "/engine.io/?EIO=4&transport=websocket",
 *     Duration.ofSeconds(5))) {
 *   ws.readFrame();                                        // the OPEN packet
 *   ws.sendFrame(true, RawWebSocket.TEXT, "4hi".getBytes(UTF_8), false);   // unmasked: a protocol error
 *   assertThat(ws.awaitCloseCode()).isEqualTo(1002);
 * }
 * }</pre>
 */
public final class RawWebSocket implements AutoCloseable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A frame read from the server. */
  public record Frame(boolean fin, int opcode, byte[] payload, int rsv) {
    /** A frame without reserved bits. */
    public Frame(boolean fin, int opcode, byte[] payload) {
      this(fin, opcode, payload, 0);
    }

    /** The payload as UTF-8 text. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame, or 1005 when it has none. */
    public int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final List<String> responseHeaders = new ArrayList<>();
  private final DataInputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects and completes the opening handshake; throws {@link AssertionError} unless the server answers 101. */
  public static RawWebSocket connect(String host, int port, String target, Duration timeout) {
    return connect(host, port, target, "", timeout);
  }

  /**
   * Connects with extra request header lines (each ending in CRLF, e.g. {@code "Sec-WebSocket-Extensions:
   * permessage-deflate\r\n"}); the response's header lines are kept in {@link #responseHeaders()}.
   */
  public static RawWebSocket connect(String host, int port, String target, String extraHeaders, Duration timeout) {
    try {
      Socket s = new Socket(host, port);
      s.setSoTimeout((int) timeout.toMillis());
      s.setTcpNoDelay(true);
      RawWebSocket ws = new RawWebSocket(s);
      byte[] nonce = new byte[16];
      RANDOM.nextBytes(nonce);
      String request = "GET " + target + " HTTP/1.1\r\n"
          + "Host: " + host + ":" + port + "\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
      ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
      ws.out.flush();
      String status = ws.readLine();
      if (!status.startsWith("HTTP/1.1 101")) {
        s.close();
        throw new AssertionError("WebSocket upgrade refused: " + status);
      }
      for (String line = ws.readLine(); !line.isEmpty(); line = ws.readLine()) {
        ws.responseHeaders.add(line);
      }
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException("WebSocket connect to " + host + ":" + port + target + " failed", e);
    }
  }

  /** The header lines of the 101 response, as received ({@code "Name: value"}). */
  public List<String> responseHeaders() {
    return List.copyOf(responseHeaders);
  }

  /** Writes one frame; {@code masked} should be true for a conforming client. */
  public void sendFrame(boolean fin, int opcode, byte[] payload, boolean masked) {
    sendFrame(fin, 0, opcode, payload, masked);
  }

  /** Writes one frame with the given RSV bits (0 to 7, normally 0). */
  public void sendFrame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xf));
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      b.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      b.write(maskBit | 126);
      b.write(payload.length >>> 8);
      b.write(payload.length & 0xff);
    } else {
      b.write(maskBit | 127);
      long len = payload.length;
      for (int i = 7; i >= 0; i--) {
        b.write((int) (len >>> (8 * i)) & 0xff);
      }
    }
    byte[] data = payload.clone();
    if (masked) {
      byte[] key = new byte[4];
      RANDOM.nextBytes(key);
      b.writeBytes(key);
      for (int i = 0; i < data.length; i++) {
        data[i] ^= key[i % 4];
      }
    }
    b.writeBytes(data);
    try {
      out.write(b.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the frame", e);
    }
  }

  /**
   * Writes bytes as they are: a frame header alone, part of a payload, many frames at once. Returns false if the
   * server had closed the connection already (the write failed), so that a test can go on to read its close frame.
   */
  public boolean sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The header of a client frame with this payload length, masked with the all-zero key (so the payload goes on the
   * wire as it is, which lets a test send a large payload in pieces with {@link #sendRaw}).
   */
  public static byte[] maskedHeader(boolean fin, int opcode, long length) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(14);
    b.write((fin ? 0x80 : 0) | (opcode & 0xf));
    if (length < 126) {
      b.write(0x80 | (int) length);
    } else if (length < 65536) {
      b.write(0x80 | 126);
      b.write((int) (length >>> 8) & 0xff);
      b.write((int) length & 0xff);
    } else {
      b.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        b.write((int) (length >>> (8 * i)) & 0xff);
      }
    }
    b.writeBytes(new byte[4]);
    return b.toByteArray();
  }

  /** Sends a masked text frame (a whole message). */
  public void sendText(String text) {
    sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8), true);
  }

  /** Reads the next frame from the server. */
  public Frame readFrame() {
    try {
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] key = null;
      if ((b1 & 0x80) != 0) {
        key = new byte[4];
        in.readFully(key);
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      if (key != null) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= key[i % 4];
        }
      }
      return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload, (b0 >>> 4) & 0x7);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within the socket timeout", e);
    } catch (EOFException e) {
      throw new AssertionError("the server closed the connection without a frame", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads frames until a close frame, and returns its status code. */
  public int awaitCloseCode() {
    while (true) {
      Frame f = readFrame();
      if (f.opcode() == CLOSE) {
        return f.closeCode();
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
