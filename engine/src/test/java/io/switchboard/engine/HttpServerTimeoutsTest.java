package io.switchboard.engine;

import static io.switchboard.engine.GuardedHttpServerFixture.IDLE;
import static io.switchboard.engine.GuardedHttpServerFixture.REQUEST;
import static io.switchboard.engine.RawHttpConnection.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.switchboard.engine.RawHttpConnection.Response;
import io.switchboard.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idle and request timeouts over raw sockets, with idle 300 ms and request 500 ms: idle connections close, slow
 * requests get 408, and requests held by the application or upgraded to WebSocket are left alone.
 */
class HttpServerTimeoutsTest {
  private static final Duration WAIT = Duration.ofSeconds(2);

  private GuardedHttpServerFixture server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAfterTheIdleTimeout() {
    server = GuardedHttpServerFixture.start(b -> {});
    try (RawHttpConnection c = server.connect()) {
      long start = System.nanoTime();
      assertThat(c.awaitClosed(WAIT)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE.minusMillis(50));
    }
    assertThat(server.stats().idleTimeouts()).isEqualTo(1);
  }

  @Test
  void aKeepAliveConnectionIsClosedAfterTheIdleTimeoutBetweenRequests() {
    Duration idle = Duration.ofSeconds(1);
    server = GuardedHttpServerFixture.start(b -> b.idleTimeout(idle));
    try (RawHttpConnection c = server.connect()) {
      for (int i = 0; i < 3; i++) {
        c.send(get("/" + i));
        assertThat(c.readResponse().status()).isEqualTo(200);
        pause(idle.dividedBy(10)); // well within the idle timeout, even on a busy machine: the connection stays
      }
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.dispatched()).containsExactly("/0", "/1", "/2");
    assertThat(server.stats().idleTimeouts()).isEqualTo(1);
  }

  @Test
  void aHeadSentOneByteAtATimeIsAnswered408() {
    server = GuardedHttpServerFixture.start(b -> b.idleTimeout(Duration.ofSeconds(5)));
    try (RawHttpConnection c = server.connect()) {
      long start = System.nanoTime();
      c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ");
      // slowloris: a byte every 100 ms, each well within any per-read timeout, never finishing the head
      for (int i = 0; i < 20 && c.trySend("x"); i++) {
        if (System.nanoTime() - start > REQUEST.toNanos() + 100_000_000L) {
          break;
        }
        pause(Duration.ofMillis(100));
      }
      Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(408);
      assertThat(c.awaitClosed(WAIT)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the request timeout, not the 5 s idle timeout")
          .isLessThan(Duration.ofSeconds(3));
    }
    assertThat(server.dispatched()).isEmpty();
    assertThat(server.stats().requestTimeouts()).isEqualTo(1);
  }

  @Test
  void aStalledContentLengthBodyIsAnswered408() {
    server = GuardedHttpServerFixture.start(b -> b.idleTimeout(Duration.ofSeconds(5)));
    try (RawHttpConnection c = server.connect()) {
      c.send("POST /stalled HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly this much");
      Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(408);
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.dispatched()).containsExactly("/stalled");
    assertThat(server.stats().requestTimeouts()).isEqualTo(1);
  }

  @Test
  void aChunkedBodyThatNeverEndsIsAnswered408() {
    server = GuardedHttpServerFixture.start(b -> b.idleTimeout(Duration.ofSeconds(5)));
    try (RawHttpConnection c = server.connect()) {
      long start = System.nanoTime();
      c.send("POST /endless HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
      while (System.nanoTime() - start < REQUEST.toNanos() + 200_000_000L && c.trySend("1\r\nx\r\n")) {
        pause(Duration.ofMillis(50));
      }
      Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(408);
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.stats().requestTimeouts()).isEqualTo(1);
  }

  @Test
  void aCompleteRequestHeldByTheApplicationHasNoTimeout() {
    server = GuardedHttpServerFixture.start(b -> {});
    long held = REQUEST.multipliedBy(2).toMillis();
    try (RawHttpConnection c = server.connect()) {
      long start = System.nanoTime();
      c.send(get("/slow?ms=" + held));
      Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(held));
      // and the connection is good for more
      c.send(get("/after"));
      assertThat(c.readResponse().body()).isEqualTo("/after 0");
    }
    assertThat(server.stats().requestTimeouts()).isZero();
    assertThat(server.stats().idleTimeouts()).isZero();
  }

  @Test
  void aWebSocketStaysOpenPastTheIdleAndRequestTimeouts() {
    server = GuardedHttpServerFixture.start(b -> {}, p -> p.addLast(
        new HttpObjectAggregator(8192),
        new WebSocketServerProtocolHandler("/ws"),
        new SimpleChannelInboundHandler<TextWebSocketFrame>() {
          @Override
          protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo " + frame.text()));
          }
        }));
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/ws", WAIT)) {
      ws.sendText("one");
      assertThat(ws.readFrame().text()).isEqualTo("echo one");
      pause(IDLE.plus(REQUEST)); // quiet for longer than either timeout
      ws.sendFrame(true, RawWebSocket.TEXT, "tw".getBytes(StandardCharsets.UTF_8), true);
      ws.sendText("three");
      assertThat(ws.readFrame().text()).isEqualTo("echo tw");
      assertThat(ws.readFrame().text()).isEqualTo("echo three");
    }
    assertThat(server.stats().idleTimeouts()).isZero();
    assertThat(server.stats().requestTimeouts()).isZero();
  }

  @Test
  void aRequestTimeoutBehindAHeldRequestClosesWithoutAMisleadingAnswer() {
    server = GuardedHttpServerFixture.start(b -> {});
    try (RawHttpConnection c = server.connect()) {
      c.send(get("/slow?ms=1500") + "GET /next HTTP/1.1\r\nHost");
      // a 408 now would read as the answer to /slow: the server closes instead
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.stats().requestTimeouts()).isEqualTo(1);
  }

  @Test
  void timeoutsOfZeroAreOff() {
    server = GuardedHttpServerFixture.start(b -> b.idleTimeout(Duration.ZERO).requestTimeout(Duration.ZERO));
    try (RawHttpConnection idle = server.connect(); RawHttpConnection slow = server.connect()) {
      slow.send("GET / HTTP/1.1\r\n");
      assertThat(idle.awaitClosed(IDLE.plus(REQUEST))).isFalse();
      assertThat(slow.awaitClosed(Duration.ofMillis(1))).isFalse();
      slow.send("Host: a\r\n\r\n");
      assertThat(slow.readResponse().status()).isEqualTo(200);
    }
  }
}
