package io.switchboard.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One plain TCP connection that writes HTTP/1.1 bytes exactly as given (bad ones included) and reads responses back,
 * for tests of what a server does with malformed, pipelined or never-read requests.
 *
 * <pre>{@code
 * try (RawHttp c = RawHttp.connect(port, 0)) {
 *   c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
 *   RawHttp.Response r = c.readResponse();  // status, headers, body (Content-Length or chunked)
 *   boolean closed = c.awaitEof(Duration.ofSeconds(5)).closed();
 * }
 * }</pre>
 */
final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A response: the status code, the headers (names in lower case) and the body. */
  record Response(int status, Map<String, String> headers, String body) {}

  /** What was left on the connection: the bytes read until it ended or the wait ran out, and which of the two. */
  record Rest(byte[] bytes, boolean closed) {
    String text() {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to 127.0.0.1:{@code port}; a positive {@code receiveBuffer} sets SO_RCVBUF before connecting (a small one
   * makes a reader that never reads fill up quickly).
   */
  static RawHttp connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(20_000);
    return new RawHttp(s);
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Reads one response; its body by Content-Length, chunked to the end, or (for neither) nothing. */
  Response readResponse() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    String[] parts = statusLine.split(" ", 3);
    int status = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      int size;
      while ((size = Integer.parseInt(readLine().trim(), 16)) > 0) {
        body.write(in.readNBytes(size));
        readLine();
      }
      readLine();
    }
    return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  /** Reads a response head (status line and headers) only: for a streamed body such as Server-Sent Events. */
  Response readHead() throws IOException {
    String statusLine = readLine();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
    }
    return new Response(status, headers, "");
  }

  /** Reads whatever comes until the peer closes the connection or {@code wait} passes without it closing. */
  Rest awaitEof(Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    while (System.nanoTime() < deadline) {
      socket.setSoTimeout((int) Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
      try {
        int n = in.read(buf);
        if (n < 0) {
          return new Rest(got.toByteArray(), true);
        }
        got.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        // keep waiting until the deadline
      } catch (IOException reset) {
        return new Rest(got.toByteArray(), true);
      }
    }
    return new Rest(got.toByteArray(), false);
  }

  /** The next line (CRLF or LF ended) as ISO-8859-1, without its end; null at the end of the stream. */
  String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
