package io.switchboard.engine;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A real {@link HttpServer} on an ephemeral port of 127.0.0.1 with a trivial application: every request is recorded
 * as dispatched (its URI) and answered {@code 200} with the URI and the body length once its body is complete; a
 * request for {@code /slow?ms=N} is answered N ms after that, like a long poll. A fatal error is recorded, not fatal.
 *
 * <pre>{@code
 * try (GuardedHttpServerFixture server = GuardedHttpServerFixture.start(b -> b.idleTimeout(Duration.ofMillis(300)))) {
 *   ...
 *   assertThat(server.dispatched()).containsExactly("/");
 * }
 * }</pre>
 */
final class GuardedHttpServerFixture implements AutoCloseable {
  /** Short timeouts for tests; each test changes what it needs. */
  static final Duration IDLE = Duration.ofMillis(300);
  static final Duration REQUEST = Duration.ofMillis(500);

  private static final AtomicBoolean warm = new AtomicBoolean();

  private final List<String> dispatched = new CopyOnWriteArrayList<>();
  private final List<Throwable> fatalErrors = new CopyOnWriteArrayList<>();
  private final HttpServer http;

  private GuardedHttpServerFixture(Consumer<HttpServerOptions.Builder> options, Consumer<ChannelPipeline> app) {
    if (warm.compareAndSet(false, true)) {
      warmUp();
    }
    HttpServerOptions.Builder b = HttpServerOptions.builder()
        .threads(2)
        .idleTimeout(IDLE)
        .requestTimeout(REQUEST)
        .fatalErrorHandler(fatalErrors::add);
    options.accept(b);
    http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), b.build(),
        app != null ? app : p -> p.addLast(new App()));
  }

  /** A server with the test timeouts, changed by {@code options}, and the recording application. */
  static GuardedHttpServerFixture start(Consumer<HttpServerOptions.Builder> options) {
    return new GuardedHttpServerFixture(options, null);
  }

  /** A server with the test timeouts, changed by {@code options}, and these handlers instead of the application. */
  static GuardedHttpServerFixture start(Consumer<HttpServerOptions.Builder> options, Consumer<ChannelPipeline> app) {
    return new GuardedHttpServerFixture(options, app);
  }

  /** A server with the test timeouts, changed by {@code options}, and these handlers before the application. */
  static GuardedHttpServerFixture startWithBefore(Consumer<HttpServerOptions.Builder> options,
      Consumer<ChannelPipeline> before) {
    GuardedHttpServerFixture[] self = new GuardedHttpServerFixture[1];
    self[0] = new GuardedHttpServerFixture(options, p -> {
      before.accept(p);
      p.addLast(self[0].new App());
    });
    return self[0];
  }

  HttpServer http() {
    return http;
  }

  int port() {
    return http.port();
  }

  RawHttpConnection connect() {
    return RawHttpConnection.open(port());
  }

  /** The URIs of the requests that reached the application, in order. */
  List<String> dispatched() {
    return dispatched;
  }

  List<Throwable> fatalErrors() {
    return fatalErrors;
  }

  HttpServerStats stats() {
    return http.stats();
  }

  /** Polls until the condition holds, failing after {@code wait}. */
  static void awaitTrue(String what, Duration wait, BooleanSupplier condition) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + wait + ": " + what);
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }

  /**
   * Serves a few requests once per JVM (not from a static initializer: the event loop would wait for this class to
   * finish initializing, and this class for the event loop), so that class loading and the first compilations, which take hundreds of
   * milliseconds on a busy machine, do not eat into the short timeouts of the first test.
   */
  private static void warmUp() {
    HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), HttpServerOptions.builder()
        .threads(1).maxConnectionsPerIp(0).connectRatePerIp(0, 0).build(), p -> p.addLast(new Warm()));
    try (RawHttpConnection c = RawHttpConnection.open(http.port())) {
      c.send(RawHttpConnection.get("/warm") + "POST /warm HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          + "1\r\na\r\n0\r\n\r\nPOST /warm HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\na");
      for (int i = 0; i < 3; i++) {
        c.readResponse();
      }
      c.send("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n");
      c.readResponse();
    } finally {
      http.close();
    }
  }

  /** Answers 200 to the warm-up requests. */
  private static final class Warm extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (last) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(res);
      }
    }
  }

  /** The application: records, counts the body, answers 200 (late for {@code /slow}). */
  private final class App extends ChannelInboundHandlerAdapter {
    private String uri;
    private long bodyBytes;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest req) {
        uri = req.uri();
        bodyBytes = 0;
        dispatched.add(uri);
      }
      if (msg instanceof HttpContent content) {
        bodyBytes += content.content().readableBytes();
      }
      boolean last = msg instanceof LastHttpContent;
      ReferenceCountUtil.release(msg);
      if (!last) {
        return;
      }
      String text = uri + " " + bodyBytes;
      QueryStringDecoder qs = new QueryStringDecoder(uri);
      if (qs.path().equals("/slow")) {
        long ms = Long.parseLong(qs.parameters().get("ms").get(0));
        ctx.executor().schedule(() -> answer(ctx, text), ms, TimeUnit.MILLISECONDS);
      } else {
        answer(ctx, text);
      }
    }

    private void answer(ChannelHandlerContext ctx, String text) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.copiedBuffer(text, CharsetUtil.UTF_8));
      res.headers().set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes());
      ctx.writeAndFlush(res);
    }
  }
}
