package io.switchboard.testkit;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A WebSocket client (the JDK's) that records every message and the close into a queue for tests to await.
 *
 * <pre>{@code
 * try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
 *   EngineHttpClient.parseOpen(ws.awaitText(Duration.ofSeconds(5)));
 *   ws.sendText("4hello");
 *   assertThat(ws.awaitText(Duration.ofSeconds(5))).isEqualTo("4hello");
 * }
 * }</pre>
 *
 * <p>Reading is flow-controlled: {@link #pauseReading()} stops asking the JDK for frames, so the TCP window fills and
 * the server sees a client that does not read. With {@link #autoPong(boolean)} on, Engine.IO pings ({@code "2"}) are
 * answered with {@code "3"} and not recorded.
 */
public final class WebSocketRecorder implements WebSocket.Listener, AutoCloseable {

  /** Something the socket received. */
  public sealed interface Event permits Text, Binary, Closed, Failed {}

  /** A whole text message. */
  public record Text(String text) implements Event {}

  /** A whole binary message. */
  public record Binary(byte[] data) implements Event {}

  /** The server's close frame. */
  public record Closed(int code, String reason) implements Event {}

  /** The connection failed (reset, or a protocol error seen by the JDK). */
  public record Failed(Throwable error) implements Event {}

  private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
  private final StringBuilder textPart = new StringBuilder();
  private final ByteArrayOutputStream binaryPart = new ByteArrayOutputStream();
  private final Duration timeout;
  private volatile WebSocket socket;
  private volatile boolean paused;
  private volatile boolean autoPong;
  private volatile boolean requestOwed;
  private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

  private WebSocketRecorder(Duration timeout) {
    this.timeout = timeout;
  }

  /** Connects and waits for the WebSocket handshake; throws {@link AssertionError} (with the HTTP status) if refused. */
  public static WebSocketRecorder connect(HttpClient http, URI uri, Duration timeout, String... headers) {
    WebSocketRecorder recorder = new WebSocketRecorder(timeout);
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(timeout);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      recorder.socket = b.buildAsync(uri, recorder).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        throw new AssertionError("WebSocket upgrade refused with HTTP " + h.getResponse().statusCode()
            + ": " + h.getResponse().body(), h);
      }
      throw new AssertionError("WebSocket connect to " + uri + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("WebSocket connect to " + uri + " timed out after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return recorder;
  }

  /** The JDK socket. */
  public WebSocket socket() {
    return socket;
  }

  /** Answers Engine.IO pings automatically (and stops recording them) when on. */
  public WebSocketRecorder autoPong(boolean on) {
    this.autoPong = on;
    return this;
  }

  /** Stops reading from the connection; the server's writes back up into TCP buffers. */
  public void pauseReading() {
    paused = true;
  }

  /** Reads again after {@link #pauseReading()}. */
  public void resumeReading() {
    paused = false;
    if (requestOwed) {
      requestOwed = false;
      socket.request(1);
    }
  }

  /** Sends a text message and waits until the JDK has written it. */
  public void sendText(String text) {
    send(() -> socket.sendText(text, true));
  }

  /** Sends a binary message and waits until the JDK has written it. */
  public void sendBinary(byte[] data) {
    send(() -> socket.sendBinary(ByteBuffer.wrap(data), true));
  }

  /** Sends a close frame and waits until it is written. */
  public void sendClose(int code, String reason) {
    send(() -> socket.sendClose(code, reason));
  }

  /** The next event of any kind. */
  public Event next(Duration wait) {
    try {
      Event e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new AssertionError("nothing received within " + wait);
      }
      return e;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", ie);
    }
  }

  /** The next event, or {@code null} if none arrives within {@code wait}. */
  public Event poll(Duration wait) {
    try {
      return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", ie);
    }
  }

  /** The next event, which must be a text message. */
  public String awaitText(Duration wait) {
    Event e = next(wait);
    if (e instanceof Text t) {
      return t.text();
    }
    throw new AssertionError("expected a text message, got " + describe(e));
  }

  /** Skips text messages until one matches, and returns it; fails on anything else. */
  public String awaitText(Predicate<String> predicate, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no matching text message within " + wait + "; skipped " + skipped);
      }
      Event e = next(Duration.ofNanos(left));
      if (!(e instanceof Text t)) {
        throw new AssertionError("expected a text message, got " + describe(e) + "; skipped " + skipped);
      }
      if (predicate.test(t.text())) {
        return t.text();
      }
      skipped.add(t.text());
    }
  }

  /** The next event, which must be a binary message. */
  public byte[] awaitBinary(Duration wait) {
    Event e = next(wait);
    if (e instanceof Binary b) {
      return b.data();
    }
    throw new AssertionError("expected a binary message, got " + describe(e));
  }

  /** Skips messages until the server closes the connection, and returns its close frame. */
  public Closed awaitClose(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<String> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("not closed within " + wait + "; received " + skipped);
      }
      Event e = poll(Duration.ofNanos(left));
      if (e == null) {
        continue;
      }
      if (e instanceof Closed c) {
        return c;
      }
      if (e instanceof Failed f) {
        throw new AssertionError("connection failed instead of closing: " + f.error(), f.error());
      }
      skipped.add(describe(e));
    }
  }

  /** Skips messages until the connection ends, by a close frame or a failure, and returns that event. */
  public Event awaitEnd(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("connection still open after " + wait);
      }
      Event e = poll(Duration.ofNanos(left));
      if (e instanceof Closed || e instanceof Failed) {
        return e;
      }
    }
  }

  /** Aborts the connection. */
  @Override
  public void close() {
    WebSocket s = socket;
    if (s != null) {
      s.abort();
    }
  }

  /** A short description of an event for failure messages. */
  public static String describe(Event e) {
    if (e instanceof Text t) {
      return "text " + (t.text().length() > 200 ? t.text().substring(0, 200) + "…" : t.text());
    }
    if (e instanceof Binary b) {
      return "binary (" + b.data().length + " bytes)";
    }
    return String.valueOf(e);
  }

  // --- WebSocket.Listener

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    textPart.append(data);
    if (last) {
      String text = textPart.toString();
      textPart.setLength(0);
      if (autoPong && text.equals("2")) {
        enqueue(() -> webSocket.sendText("3", true));
      } else {
        queue.add(new Text(text));
      }
    }
    requestNext(webSocket);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    binaryPart.writeBytes(chunk);
    if (last) {
      queue.add(new Binary(binaryPart.toByteArray()));
      binaryPart.reset();
    }
    requestNext(webSocket);
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    requestNext(webSocket);
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    requestNext(webSocket);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    queue.add(new Closed(statusCode, reason));
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    queue.add(new Failed(error));
  }

  private void requestNext(WebSocket webSocket) {
    if (paused) {
      requestOwed = true;
    } else {
      webSocket.request(1);
    }
  }

  private synchronized CompletableFuture<WebSocket> enqueue(Supplier<CompletableFuture<WebSocket>> op) {
    // the JDK allows one outstanding send at a time: chain them
    lastSend = lastSend.handle((ws, error) -> null).thenCompose(ignored -> op.get());
    return lastSend;
  }

  private void send(Supplier<CompletableFuture<WebSocket>> op) {
    try {
      enqueue(op).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("send failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("send not written within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public String toString() {
    return "WebSocketRecorder[" + queue.size() + " queued]";
  }
}
