package io.switchboard.engine.ws;

import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.testkit.RawWebSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WebSocketEndpoint} at {@code /ws} on a real {@link HttpServer} of 127.0.0.1 that echoes every message and
 * records what its handler was told.
 *
 * <pre>{@code
 * try (WebSocketFixture f = WebSocketFixture.start(WebSocketOptions.DEFAULT)) {
 *   RawWebSocket ws = f.connect();
 *   WebSocketConnection c = f.awaitOpen();
 *   ws.sendText("hi");                     // echoed
 *   assertThat(f.awaitClose().code()).isEqualTo(1000);
 * }
 * }</pre>
 */
final class WebSocketFixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(15);

  /** One {@code onClose}. */
  record Closed(WebSocketConnection connection, int code, String reason) {}

  final WebSocketEndpoint endpoint;
  final HttpServer http;
  final BlockingQueue<WebSocketConnection> opened = new LinkedBlockingQueue<>();
  final BlockingQueue<Closed> closed = new LinkedBlockingQueue<>();
  final List<String> texts = new CopyOnWriteArrayList<>();

  private WebSocketFixture(WebSocketOptions options) {
    endpoint = new WebSocketEndpoint(options, new WebSocketHandler() {
      @Override
      public void onOpen(WebSocketConnection c) {
        opened.add(c);
      }

      @Override
      public void onText(WebSocketConnection c, String text) {
        texts.add(text);
        c.send(text);
      }

      @Override
      public void onBinary(WebSocketConnection c, byte[] data) {
        c.send(data);
      }

      @Override
      public void onClose(WebSocketConnection c, int code, String reason) {
        closed.add(new Closed(c, code, reason));
      }
    });
    http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0),
        HttpServerOptions.DEFAULT.toBuilder().threads(2).build(), p -> p.addLast("ws", endpoint.newHandler()));
  }

  static WebSocketFixture start(WebSocketOptions options) {
    return new WebSocketFixture(options);
  }

  int port() {
    return http.port();
  }

  String url() {
    return "ws://127.0.0.1:" + port() + endpoint.options().path();
  }

  RawWebSocket connect() {
    return RawWebSocket.connect("127.0.0.1", port(), endpoint.options().path(), WAIT);
  }

  WebSocketConnection awaitOpen() {
    return poll(opened, "onOpen");
  }

  Closed awaitClose() {
    return poll(closed, "onClose");
  }

  private static <T> T poll(BlockingQueue<T> queue, String what) {
    try {
      T t = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (t == null) {
        throw new AssertionError("no " + what + " within " + WAIT);
      }
      return t;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    endpoint.close();
    http.close();
  }
}
