package io.switchboard.engine;

import static io.switchboard.engine.RawHttpConnection.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.RawHttpConnection.Response;
import java.time.Duration;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Malformed and ambiguous requests over raw sockets: each is answered with its status and the connection closed, and
 * a request pipelined behind it never reaches the application. Well-formed pipelined traffic, however it is split
 * into segments, is all dispatched.
 */
class HttpServerStrictParsingTest {
  private static final Duration WAIT = Duration.ofSeconds(2);
  private static final String PIPELINED = get("/x");

  private GuardedHttpServerFixture server;

  @BeforeEach
  void start() {
    server = GuardedHttpServerFixture.start(b -> b.idleTimeout(Duration.ofSeconds(5))
        .requestTimeout(Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Sends the bytes, expects {@code status} and a close, and that {@code /x} behind them was not dispatched. */
  private Response assertRefused(String request, int status, ToLongFunction<HttpServerStats> counter) {
    try (RawHttpConnection c = server.connect()) {
      c.send(request + PIPELINED);
      Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(status);
      assertThat(res.header("connection")).isEqualTo("close");
      assertThat(c.awaitClosed(WAIT)).as("closed after the answer").isTrue();
      assertThat(server.dispatched()).doesNotContain("/x");
      assertThat(counter.applyAsLong(server.stats())).isEqualTo(1);
      return res;
    }
  }

  @Test
  void aControlCharacterInAHeaderNameIsRefused() {
    assertRefused("GET / HTTP/1.1\r\n\u0001Host: a\r\n\r\n", 400, HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void twoDifferentContentLengthsAreRefused() {
    assertRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
        HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void twoEqualContentLengthsAreRefusedToo() {
    assertRefused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400,
        HttpServerStats::badRequests);
  }

  @Test
  void aSpaceBeforeTheColonOfTransferEncodingIsRefused() {
    assertRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 400,
        HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void transferEncodingWithContentLengthIsRefused() {
    assertRefused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
        + "3\r\nabc\r\n0\r\n\r\n", 400, HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void transferEncodingInHttp10IsRefused() {
    assertRefused("POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
        + "3\r\nabc\r\n0\r\n\r\n", 400, HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void aChunkSizeLineEndingInABareLineFeedIsRefused() {
    // the head is fine and reaches the application; the body is not, and nothing after it does
    assertRefused("POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n", 400,
        HttpServerStats::badRequests);
    assertThat(server.dispatched()).containsExactly("/chunked");
  }

  @Test
  void aBadChunkSizeIsRefused() {
    assertRefused("POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        400, HttpServerStats::badRequests);
  }

  @Test
  void aHeaderLineEndingInABareLineFeedIsRefused() {
    assertRefused("GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n", 400, HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void anObsFoldedHeaderIsRefused() {
    assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Long: first\r\n second\r\n\r\n", 400,
        HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void anObsFoldWithATabIsRefused() {
    assertRefused("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: x\r\n\tchunked\r\n\r\n", 400,
        HttpServerStats::badRequests);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void anObsFoldArrivingInItsOwnSegmentIsRefused() {
    try (RawHttpConnection c = server.connect()) {
      c.send("GET / HTTP/1.1\r\nHost: a\r\nX-Long: first\r\n");
      awaitReceiving();
      c.send(" second\r\n\r\n" + PIPELINED);
      assertThat(c.readResponse().status()).isEqualTo(400);
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.dispatched()).isEmpty();
  }

  /** Lets the server read what was sent so far (no observable event: a short pause, not an assertion). */
  private static void awaitReceiving() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void whitespaceBeforeTheFirstHeaderIsRefused() {
    assertRefused("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 400, HttpServerStats::badRequests);
  }

  @Test
  void anObsFoldedTrailerIsRefused() {
    assertRefused("POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3\r\nabc\r\n0\r\nX-Trailer: a\r\n b\r\n\r\n", 400, HttpServerStats::badRequests);
    assertThat(server.dispatched()).containsExactly("/chunked");
  }

  @Test
  void aRequestLineOver4KbIsAnswered414() {
    assertRefused("GET /" + "a".repeat(5 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414,
        HttpServerStats::uriTooLong);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void headersOver8KbAreAnswered431() {
    assertRefused("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(9 * 1024) + "\r\n\r\n", 431,
        HttpServerStats::headersTooLarge);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void twoThousandHeadersAreAnswered431() {
    StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 2_100; i++) {
      request.append("X-").append(i).append(": v\r\n");
    }
    assertRefused(request.append("\r\n").toString(), 431, HttpServerStats::headersTooLarge);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void moreHeaderFieldsThanMaxHeaderCountAreAnswered431EvenWhenSmall() {
    StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 150; i++) {
      request.append("x").append(i).append(":\r\n");
    }
    assertThat(request.length()).isLessThan(8 * 1024);
    assertRefused(request.append("\r\n").toString(), 431, HttpServerStats::headersTooLarge);
    assertThat(server.dispatched()).isEmpty();
  }

  @Test
  void anHttp09RequestIsRefused() {
    assertRefused("GET /\r\n\r\n", 400, HttpServerStats::badRequests);
  }

  @Test
  void pipelinedRequestsWithBodiesAreAllDispatchedInOrder() {
    String requests = get("/a")
        + "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello\r\n wor"
        + "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;ext=1\r\nhe\r\n \r\n6\r\nllo!!!\r\n0\r\nX-Trailer: t\r\n\r\n"
        + "\r\n" // an empty line between requests is tolerated
        + get("/d");
    try (RawHttpConnection c = server.connect()) {
      c.send(requests);
      assertThat(c.readResponse().body()).isEqualTo("/a 0");
      assertThat(c.readResponse().body()).isEqualTo("/b 11");
      assertThat(c.readResponse().body()).isEqualTo("/c 11");
      assertThat(c.readResponse().body()).isEqualTo("/d 0");
    }
    assertThat(server.dispatched()).containsExactly("/a", "/b", "/c", "/d");
    assertThat(server.stats().badRequests()).isZero();
  }

  @Test
  void pipelinedRequestsSentOneByteAtATimeAreAllDispatched() {
    String requests = "POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
        + "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\nX-T: t\r\n\r\n"
        + get("/d");
    try (RawHttpConnection c = server.connect()) {
      for (char ch : requests.toCharArray()) {
        c.send(String.valueOf(ch));
      }
      assertThat(c.readResponse().body()).isEqualTo("/b 3");
      assertThat(c.readResponse().body()).isEqualTo("/c 2");
      assertThat(c.readResponse().body()).isEqualTo("/d 0");
    }
    assertThat(server.dispatched()).containsExactly("/b", "/c", "/d");
  }

  @Test
  void anOldHixieWebSocketHandshakeHasTheEightBytesNettyExpects() {
    // no Content-Length, yet Netty reads 8 bytes of body for GET with both Sec-WebSocket-Key1 and -Key2
    try (RawHttpConnection c = server.connect()) {
      c.send("GET /hixie HTTP/1.1\r\nHost: a\r\nSec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
          + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n\r\n^n:ds[4U" + get("/d"));
      assertThat(c.readResponse().body()).isEqualTo("/hixie 8");
      assertThat(c.readResponse().body()).isEqualTo("/d 0");
    }
  }

  @Test
  void aBodyThatLooksLikeAFoldedHeaderIsJustABody() {
    String body = "a\r\n b\r\n\tc\r\n\r\n";
    try (RawHttpConnection c = server.connect()) {
      c.send("POST /b HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length() + "\r\n\r\n" + body + get("/d"));
      assertThat(c.readResponse().body()).isEqualTo("/b " + body.length());
      assertThat(c.readResponse().body()).isEqualTo("/d 0");
    }
  }

  @Test
  void aLargeChunkedBodyInManySegmentsIsDispatchedWhole() {
    try (RawHttpConnection c = server.connect()) {
      c.send("POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 20; i++) {
        c.send("2000\r\n" + "\n".repeat(0x2000) + "\r\n");
      }
      c.send("0\r\n\r\n" + get("/d"));
      assertThat(c.readResponse().body()).isEqualTo("/big " + 20 * 0x2000);
      assertThat(c.readResponse().body()).isEqualTo("/d 0");
    }
  }
}
