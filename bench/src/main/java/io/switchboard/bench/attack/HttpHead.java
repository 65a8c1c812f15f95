package io.switchboard.bench.attack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of one HTTP response read from a byte stream fed in pieces: the status and the headers, up to the blank
 * line; the bytes after it (WebSocket frames after a 101) stay in the buffer for the caller.
 *
 * <pre>{@code
 * HttpHead head = new HttpHead();
 * if (head.feed(buffer)) {            // true once the blank line is in
 *   int status = head.status();       // 101, 503…
 *   String retry = head.header("retry-after");
 * }
 * }</pre>
 */
final class HttpHead {
  /** The largest head accepted; a longer one is treated as complete at this size. */
  static final int MAX = 16 * 1024;

  private byte[] bytes = new byte[256];
  private int length;
  private boolean complete;
  private int status = -1;
  private Map<String, String> headers = Map.of();

  /** Reads bytes from {@code in} up to the end of the head; returns whether the head is complete. */
  boolean feed(ByteBuffer in) {
    while (!complete && in.hasRemaining()) {
      if (length == bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.min(MAX, bytes.length * 2));
      }
      bytes[length++] = in.get();
      if (length >= 4 && bytes[length - 1] == '\n' && bytes[length - 2] == '\r' && bytes[length - 3] == '\n'
          && bytes[length - 4] == '\r' || length == MAX) {
        complete = true;
        parse();
      }
    }
    return complete;
  }

  /** Whether the blank line (or {@link #MAX} bytes) has been read. */
  boolean complete() {
    return complete;
  }

  /** Whether any byte has been read. */
  boolean started() {
    return length > 0;
  }

  /** The status code, or -1 when the status line is not (fully) in or is not HTTP. */
  int status() {
    if (status < 0 && !complete) {
      status = parseStatus(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
    }
    return status;
  }

  /** A header's value (the name in any case), or null; only once complete. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  private void parse() {
    String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    status = parseStatus(text);
    Map<String, String> h = new LinkedHashMap<>();
    String[] lines = text.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        h.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
    }
    headers = h;
  }

  private static int parseStatus(String text) {
    int eol = text.indexOf("\r\n");
    if (eol < 0 || !text.startsWith("HTTP/")) {
      return -1;
    }
    String[] parts = text.substring(0, eol).split(" ", 3);
    if (parts.length < 2 || parts[1].length() != 3) {
      return -1;
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
