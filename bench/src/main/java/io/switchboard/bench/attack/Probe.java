package io.switchboard.bench.attack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, while an attack runs, that the server still serves an ordinary client: every period it does an Engine.IO
 * polling handshake on a fresh blocking socket (and closes the session it got), optionally also a full Socket.IO
 * CONNECT over WebSocket, and records success and latency. With a server process id it also samples the server's RSS.
 *
 * <pre>{@code
 * try (Probe p = new Probe(options)) {
 *   p.start();
 *   …                                   // the attack
 *   p.stop();
 *   p.report(json);                     // probes, probe_ok, probe_p50_ms…
 * }
 * }</pre>
 */
final class Probe implements AutoCloseable {
  private static final Pattern SID = Pattern.compile("\"sid\"\\s*:\\s*\"([^\"]+)\"");

  private final AttackOptions options;
  private final InetSocketAddress target;
  private final Series polling = new Series("probe");
  private final Series socketIo = new Series("sio_probe");
  private final Thread thread;
  private volatile boolean stopped;
  private long t0;
  private double rssStartMb = -1;
  private double rssMaxMb = -1;
  private double rssEndMb = -1;

  Probe(AttackOptions options) {
    this.options = options;
    this.target = new InetSocketAddress(options.address(), options.port());
    this.thread = new Thread(this::loop, "attack-probe");
    thread.setDaemon(true);
  }

  /** The outcome of one probe. */
  record Result(boolean ok, long nanos, String failure) {
    static Result ok(long nanos) {
      return new Result(true, nanos, null);
    }

    static Result failed(long nanos, String failure) {
      return new Result(false, nanos, failure);
    }
  }

  /** Starts probing (and sampling RSS); the first probe runs at once. */
  void start() {
    t0 = System.nanoTime();
    rssStartMb = rssMb(options.serverPid());
    rssMaxMb = rssStartMb;
    if (!options.probeEvery().isZero() || options.serverPid() > 0) {
      thread.start();
    }
  }

  /** Stops probing and waits for the probe in progress (at most the probe timeout). */
  void stop() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(options.probeTimeout().toMillis() * 2 + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double end = rssMb(options.serverPid());
    if (end > 0) {
      rssEndMb = end;
      rssMaxMb = Math.max(rssMaxMb, end);
    }
  }

  @Override
  public void close() {
    if (!stopped) {
      stop();
    }
  }

  private void loop() {
    long period = options.probeEvery().isZero() ? TimeUnit.MILLISECONDS.toNanos(500) : options.probeEvery().toNanos();
    long next = System.nanoTime();
    while (!stopped) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
      if (stopped) {
        return;
      }
      double rss = rssMb(options.serverPid());
      if (rss > rssMaxMb) {
        rssMaxMb = rss;
      }
      if (!options.probeEvery().isZero()) {
        long at = System.nanoTime() - t0;
        polling.add(at, pollingHandshake(target, options.hostHeader(), options.basePath(), timeoutMs()));
        if (options.probeSocketIo() && !stopped) {
          socketIo.add(System.nanoTime() - t0,
              socketIoConnect(target, options.hostHeader(), options.basePath(), timeoutMs()));
        }
      }
      next = Math.max(next + period, System.nanoTime()); // a slow probe delays the next one; none are bunched
    }
  }

  private int timeoutMs() {
    return (int) Math.min(Integer.MAX_VALUE, options.probeTimeout().toMillis());
  }

  /** Adds the probe results to {@code out}. */
  void report(ObjectNode out) {
    if (!options.probeEvery().isZero()) {
      polling.report(out);
      if (options.probeSocketIo()) {
        socketIo.report(out);
      }
    }
    if (options.serverPid() > 0) {
      out.put("server_rss_mb_start", Stats.round(rssStartMb));
      out.put("server_rss_mb_max", Stats.round(rssMaxMb));
      out.put("server_rss_mb_end", Stats.round(rssEndMb));
    }
  }

  /** One line for the human summary. */
  String summary() {
    StringBuilder sb = new StringBuilder();
    if (!options.probeEvery().isZero()) {
      sb.append(polling.summary("polling handshake probes"));
      if (options.probeSocketIo()) {
        sb.append('\n').append(socketIo.summary("Socket.IO CONNECT probes"));
      }
    }
    if (options.serverPid() > 0) {
      sb.append(sb.length() > 0 ? "\n" : "").append(String.format(java.util.Locale.ROOT,
          "server RSS: %.1f MB at start, %.1f MB at most, %.1f MB at the end", rssStartMb, rssMaxMb, rssEndMb));
    }
    return sb.toString();
  }

  /** The results of one kind of probe. */
  private static final class Series {
    private final String prefix;
    private final List<Long> latencies = new ArrayList<>();
    private final Map<String, Integer> failures = new TreeMap<>();
    private int ok;
    private int failed;
    private long firstFailureNanos = -1;
    private long lastFailureNanos = -1;

    Series(String prefix) {
      this.prefix = prefix;
    }

    synchronized void add(long at, Result r) {
      if (r.ok()) {
        ok++;
        latencies.add(r.nanos());
      } else {
        failed++;
        failures.merge(r.failure(), 1, Integer::sum);
        if (firstFailureNanos < 0) {
          firstFailureNanos = at;
        }
        lastFailureNanos = at;
      }
    }

    synchronized void report(ObjectNode out) {
      long[] l = latencies.stream().mapToLong(Long::longValue).toArray();
      out.put(prefix + "s", ok + failed);
      out.put(prefix + "_ok", ok);
      out.put(prefix + "_failed", failed);
      out.put(prefix + "_p50_ms", Stats.msOrNull(l, 50));
      out.put(prefix + "_max_ms", Stats.msOrNull(l, 100));
      ObjectNode f = out.putObject(prefix + "_failures");
      failures.forEach(f::put);
      out.put(prefix + "_first_failure_ms", firstFailureNanos < 0 ? null : firstFailureNanos / 1_000_000);
      out.put(prefix + "_last_failure_ms", lastFailureNanos < 0 ? null : lastFailureNanos / 1_000_000);
    }

    synchronized String summary(String title) {
      long[] l = latencies.stream().mapToLong(Long::longValue).toArray();
      return String.format(java.util.Locale.ROOT, "%s: %d ok, %d failed%s; latency %s", title, ok, failed,
          failures.isEmpty() ? "" : " " + failures, Stats.describeMs(l));
    }
  }

  // ---- one probe ----

  /**
   * An Engine.IO v4 polling handshake ({@code GET <path>?EIO=4&transport=polling}): ok when the answer is 200 with an
   * open packet; then the session is closed again (a {@code 1} packet) so that probes leave nothing behind.
   */
  static Result pollingHandshake(InetSocketAddress target, String host, String path, int timeoutMs) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try (Socket s = new Socket()) {
      s.connect(target, timeoutMs);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("GET " + path + "?EIO=4&transport=polling HTTP/1.1\r\nHost: " + host
          + "\r\nAccept: */*\r\nUser-Agent: switchboard-attack-probe\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Response r = readResponse(s, in, deadline);
      long took = System.nanoTime() - start;
      if (r.status != 200) {
        return Result.failed(took, "http_" + r.status);
      }
      Matcher m = SID.matcher(r.body);
      if (!r.body.startsWith("0{") || !m.find()) {
        return Result.failed(took, "bad_open_packet");
      }
      try { // leave no session behind; the answer does not count
        byte[] close = "1".getBytes(StandardCharsets.US_ASCII);
        out.write(("POST " + path + "?EIO=4&transport=polling&sid=" + m.group(1) + " HTTP/1.1\r\nHost: " + host
            + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + close.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(close);
        out.flush();
        readResponse(s, in, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs));
      } catch (IOException ignored) {
        // the probe itself succeeded
      }
      return Result.ok(took);
    } catch (IOException e) {
      return Result.failed(System.nanoTime() - start, failure(e));
    }
  }

  /**
   * A Socket.IO client's way in over WebSocket: upgrade, the Engine.IO open packet, then {@code 40}; ok when the
   * answer is {@code 40{"sid":…}}. Pings on the way are answered; the socket is closed with 1000 at the end.
   */
  static Result socketIoConnect(InetSocketAddress target, String host, String path, int timeoutMs) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    try (Socket s = new Socket()) {
      s.connect(target, timeoutMs);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(Requests.upgrade(path + "?EIO=4&transport=websocket", host));
      out.flush();
      HttpHead head = new HttpHead();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (!head.complete()) {
        if (!fill(s, in, buf, deadline)) {
          return Result.failed(System.nanoTime() - start, "eof");
        }
        head.feed(buf);
        if (!head.complete()) {
          buf.clear();
        }
      }
      if (head.status() != 101) {
        return Result.failed(System.nanoTime() - start, "http_" + head.status());
      }
      WsFrames.Reader reader = new WsFrames.Reader();
      String[] outcome = new String[1];
      boolean[] opened = new boolean[1];
      while (outcome[0] == null) {
        if (buf.hasRemaining()) {
          reader.feed(buf, (opcode, payload, length) -> {
            if (outcome[0] != null) {
              return;
            }
            String text = new String(payload, StandardCharsets.UTF_8);
            try {
              if (opcode == WsFrames.CLOSE) {
                outcome[0] = "close_" + WsFrames.closeCode(payload);
              } else if (opcode == WsFrames.TEXT && !opened[0] && text.startsWith("0{")) {
                opened[0] = true;
                write(out, WsFrames.text("40"));
              } else if (opcode == WsFrames.TEXT && text.equals("2")) {
                write(out, WsFrames.text("3"));
              } else if (opcode == WsFrames.TEXT && text.startsWith("40")) {
                outcome[0] = text.contains("\"sid\"") ? "" : "bad_connect_reply";
              } else if (opcode == WsFrames.TEXT && text.startsWith("44")) {
                outcome[0] = "connect_error";
              }
            } catch (IOException e) {
              outcome[0] = failure(e);
            }
          });
          continue;
        }
        buf.clear();
        if (!fill(s, in, buf, deadline)) {
          return Result.failed(System.nanoTime() - start, "eof");
        }
      }
      long took = System.nanoTime() - start;
      if (!outcome[0].isEmpty()) {
        return Result.failed(took, outcome[0]);
      }
      try {
        write(out, WsFrames.close(1000));
      } catch (IOException ignored) {
        // the probe itself succeeded
      }
      return Result.ok(took);
    } catch (IOException e) {
      return Result.failed(System.nanoTime() - start, failure(e));
    }
  }

  private static void write(OutputStream out, ByteBuffer frame) throws IOException {
    ByteBuffer b = frame.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    out.write(bytes);
    out.flush();
  }

  /** What went wrong, in a word: timeout, refused, reset, eof or the exception's class. */
  static String failure(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return "timeout";
    }
    if (e instanceof ConnectException) {
      return "refused";
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (m.contains("reset") || m.contains("broken pipe")) {
      return "reset";
    }
    return e.getClass().getSimpleName();
  }

  private record Response(int status, String body) {}

  /** Reads one response (head and a Content-Length or chunked body of at most 1 MiB) by {@code deadline}. */
  private static Response readResponse(Socket s, InputStream in, long deadline) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    buf.flip();
    HttpHead head = new HttpHead();
    while (!head.feed(buf)) {
      buf.clear();
      if (!fill(s, in, buf, deadline)) {
        throw new IOException("eof");
      }
    }
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    String te = head.header("transfer-encoding");
    String cl = head.header("content-length");
    if (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
      while (true) {
        String sizeLine = readLine(s, in, buf, deadline);
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          readLine(s, in, buf, deadline); // the blank line after the last chunk (no trailers expected)
          break;
        }
        readExactly(s, in, buf, deadline, size, body);
        readLine(s, in, buf, deadline);
      }
    } else if (cl != null) {
      readExactly(s, in, buf, deadline, Integer.parseInt(cl.trim()), body);
    }
    return new Response(head.status(), body.toString(StandardCharsets.UTF_8));
  }

  private static String readLine(Socket s, InputStream in, ByteBuffer buf, long deadline) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (!buf.hasRemaining()) {
        buf.clear();
        if (!fill(s, in, buf, deadline)) {
          throw new IOException("eof");
        }
      }
      char c = (char) buf.get();
      if (c == '\n') {
        return sb.toString().trim();
      }
      sb.append(c);
      if (sb.length() > 1024) {
        throw new IOException("line too long");
      }
    }
  }

  private static void readExactly(Socket s, InputStream in, ByteBuffer buf, long deadline, int n,
      java.io.ByteArrayOutputStream body) throws IOException {
    if (n < 0 || body.size() + n > 1 << 20) {
      throw new IOException("body too large");
    }
    while (n > 0) {
      if (!buf.hasRemaining()) {
        buf.clear();
        if (!fill(s, in, buf, deadline)) {
          throw new IOException("eof");
        }
      }
      int k = Math.min(n, buf.remaining());
      body.write(buf.array(), buf.arrayOffset() + buf.position(), k);
      buf.position(buf.position() + k);
      n -= k;
    }
  }

  /** Reads what is there into {@code buf} (cleared by the caller) and flips it; false at end of stream. */
  private static boolean fill(Socket s, InputStream in, ByteBuffer buf, long deadline) throws IOException {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      throw new SocketTimeoutException("probe deadline");
    }
    s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    int n = in.read(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
    if (n < 0) {
      return false;
    }
    buf.position(buf.position() + n);
    buf.flip();
    return true;
  }

  /** The resident set of process {@code pid} in MB, or -1. */
  static double rssMb(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
