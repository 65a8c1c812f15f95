package io.switchboard.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One TCP connection to a test server that writes exactly the bytes a test gives it and reads HTTP/1.1 responses by
 * hand, so tests can send what no HTTP client would (bare LFs, folded headers, conflicting lengths, one byte at a time).
 *
 * <pre>{@code
 * try (RawHttpConnection c = RawHttpConnection.open(port)) {
 *   c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 *   assertThat(c.readResponse().status()).isEqualTo(200);
 *   assertThat(c.awaitClosed(Duration.ofSeconds(1))).isTrue();
 * }
 * }</pre>
 */
final class RawHttpConnection implements AutoCloseable {
  /** A response: status, headers by lower-case name, body as ISO-8859-1 text. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private static final int READ_TIMEOUT_MS = 3_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RawHttpConnection open(int port) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket.setTcpNoDelay(true);
      return new RawHttpConnection(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A TLS connection, its handshake done (offering ALPN {@code http/1.1}); {@link #socket()} tells the session.
   */
  static RawHttpConnection openTls(int port, javax.net.ssl.SSLContext context) {
    try {
      javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket(
          "localhost", port);
      socket.setSoTimeout(10_000); // a first handshake on a loaded machine
      javax.net.ssl.SSLParameters params = socket.getSSLParameters();
      params.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(params);
      socket.startHandshake();
      socket.setSoTimeout(READ_TIMEOUT_MS);
      socket.setTcpNoDelay(true);
      return new RawHttpConnection(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The socket (an {@code SSLSocket} from {@link #openTls}). */
  Socket socket() {
    return socket;
  }

  /** {@code GET <path>} with a Host header. */
  static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }

  /** Sends these characters as ISO-8859-1 bytes. */
  void send(String text) {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends, and reports whether the server had already closed (a write to a closed connection fails, eventually). */
  boolean trySend(String text) {
    try {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads one response, its body by Content-Length; fails on end of stream or after the read timeout. */
  Response readResponse() {
    try {
      String statusLine = readLine();
      if (statusLine == null) {
        throw new AssertionError("connection closed before a response");
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new HashMap<>();
      String line;
      while ((line = readLine()) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Response(status, headers, new String(body, StandardCharsets.ISO_8859_1));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no response within " + READ_TIMEOUT_MS + " ms", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Waits for the server to close the connection, discarding whatever it sends first: true when the end of stream
   * (or a reset) came within {@code wait}, false when the connection was still open then.
   */
  boolean awaitClosed(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        try {
          if (in.read() < 0) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          return false;
        } catch (SocketException e) {
          return true; // reset by the server
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        socket.setSoTimeout(READ_TIMEOUT_MS);
      } catch (IOException ignored) {
        // closed
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
}
