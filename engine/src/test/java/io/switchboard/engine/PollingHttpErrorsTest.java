package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.net.http.HttpRequest.Builder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests the server must refuse, raw over HTTP: unknown sessions, overlapping polls, bad handshakes, and requests
 * outside the Engine.IO path, which belong to the rest of the pipeline.
 */
class PollingHttpErrorsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  /** An application route after the Engine.IO handler: answers {@code /app/...} and passes everything else on. */
  private static final class AppRoute extends SimpleChannelInboundHandler<HttpObject> {
    private boolean mine;

    AppRoute() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest req) {
        mine = req.uri().startsWith("/app/");
        if (mine) {
          FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
              Unpooled.copiedBuffer("app: " + req.uri(), CharsetUtil.UTF_8));
          res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
          HttpUtil.setContentLength(res, res.content().readableBytes());
          ctx.writeAndFlush(res);
        }
      }
      if (mine) {
        ReferenceCountUtil.release(msg);
      } else {
        ctx.fireChannelRead(msg);
      }
    }
  }

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.DEFAULT, p -> p.addLast(new AppRoute()));
    eio = server.eio();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static void assertError(HttpResponse<String> r, ErrorCode code) {
    assertThat(r.statusCode()).as("status of %s", r.body()).isEqualTo(code.status().code());
    assertThat(EngineHttpClient.json(r.body()).get("code").asInt()).isEqualTo(code.code());
    assertThat(EngineHttpClient.json(r.body()).get("message").asText()).isEqualTo(code.message());
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
  }

  @Test
  void anUnknownSidIsRefusedWithCode1ForGetPostAndUpgrade() {
    HttpResponse<String> get = eio.poll("no-such-session");
    assertThat(get.statusCode()).isEqualTo(400);
    assertThat(get.body()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertError(eio.push("no-such-session", "4hello"), ErrorCode.UNKNOWN_SID);
    assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket&sid=no-such-session")).isEqualTo(400);
  }

  @Test
  void aSidFromAClosedSessionIsUnknown() {
    String sid = eio.openPolling().sid();
    assertThat(eio.push(sid, "1").statusCode()).isEqualTo(200);
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_CLOSE);
    // a GET racing the close may still be released with a noop for a moment; after that the sid is unknown
    HttpResponse<String> r = Await.value("a poll refused", WAIT, () -> {
      HttpResponse<String> p = eio.poll(sid);
      if (p.statusCode() != 200) {
        return p;
      }
      assertThat(p.body()).isEqualTo("6");
      return null;
    });
    assertError(r, ErrorCode.UNKNOWN_SID);
  }

  @Test
  void theOtherHandshakeErrorsCarryTheirCodes() {
    assertError(eio.get("transport=carrier-pigeon"), ErrorCode.UNKNOWN_TRANSPORT);
    assertError(eio.getRaw("EIO=3&transport=polling"), ErrorCode.UNSUPPORTED_PROTOCOL_VERSION);
    assertError(eio.method("POST", "transport=polling", "4hello"), ErrorCode.BAD_HANDSHAKE_METHOD);
  }

  @Test
  void aSecondConcurrentGetIsRefusedAndTheSessionCloses() {
    String sid = eio.openPolling().sid();
    EngineSocket socket = server.awaitSocket(sid, WAIT);
    CompletableFuture<HttpResponse<String>> first = eio.pollAsync(sid);
    // isWritable() turns true once the server holds the first GET
    Await.until("first GET held by the server", WAIT, socket::isWritable);
    HttpResponse<String> second = eio.poll(sid);
    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(eio.join(first).statusCode()).isEqualTo(200);
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    assertError(eio.poll(sid), ErrorCode.UNKNOWN_SID);
  }

  @Test
  void requestsOutsideThePathFallThroughToTheNextHandler() {
    HttpResponse<String> app = eio.send(java.net.http.HttpRequest.newBuilder(URI.create(server.url() + "/app/hello")));
    assertThat(app.statusCode()).isEqualTo(200);
    assertThat(app.body()).isEqualTo("app: /app/hello");

    for (String path : new String[] {"/", "/other", "/engine.iox/?EIO=4&transport=polling", "/app"}) {
      Builder req = java.net.http.HttpRequest.newBuilder(URI.create(server.url() + path));
      HttpResponse<String> r = eio.send(req);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
    }
    // and the Engine.IO path still works on the same port
    assertThat(eio.openPolling().sid()).isNotBlank();
  }

  @Test
  void pollingResponsesAreNotCachedAndCarryTheRightContentTypes() {
    HttpResponse<String> open = eio.get("transport=polling");
    assertThat(open.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain"));
    assertThat(open.headers().firstValue("cache-control")).hasValueSatisfying(
        v -> assertThat(v).containsAnyOf("no-store", "no-cache"));
    String sid = EngineHttpClient.parseOpen(open.body()).sid();
    HttpResponse<String> ok = eio.push(sid, "4hi");
    assertThat(ok.body()).isEqualTo("ok");
    assertThat(ok.headers().firstValue("content-type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/"));
  }

  @Test
  void aMalformedPacketEndsTheSessionWithParseErrorOnEitherTransport() {
    String sid = eio.openPolling().sid();
    try {
      eio.push(sid, "not a packet");
    } catch (java.io.UncheckedIOException connectionDropped) {
      // the server may drop the connection instead of answering 400
    }
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.PARSE_ERROR);

    try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
      String wsSid = EngineHttpClient.parseOpen(ws.awaitText(WAIT)).sid();
      ws.sendText("not a packet");
      ws.awaitEnd(WAIT);
      assertThat(server.awaitClose(wsSid, WAIT)).isEqualTo(CloseReason.PARSE_ERROR);
    }
  }

  @Test
  void sessionIdsAreUrlSafeRandomAndNeverChosenByTheClient() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 20; i++) {
      String sid = eio.openPolling().sid();
      assertThat(sid).matches("[A-Za-z0-9_-]{22,}"); // 22 base64url characters carry at least 128 bits
      ids.add(sid);
    }
    assertThat(ids).hasSize(20);
    // a client cannot open a session under an id of its choosing
    assertError(eio.get("transport=polling&sid=ChosenByTheClient0000000"), ErrorCode.UNKNOWN_SID);
    assertThat(server.engine().socket("ChosenByTheClient0000000")).isNull();
  }

  @Test
  void aClientThatDropsItsHeldPollEndsTheSession() throws Exception {
    String sid = eio.openPolling().sid();
    EngineSocket socket = server.awaitSocket(sid, WAIT);
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
      raw.getOutputStream().write(("GET /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      raw.getOutputStream().flush();
      Await.until("GET held by the server", WAIT, socket::isWritable);
    } // the connection closes with the GET still held
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    assertError(eio.poll(sid), ErrorCode.UNKNOWN_SID);
  }
}
