package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Engine.IO handler on Netty's {@link EmbeddedChannel}: handshakes, polling, upgrade, heartbeat, limits and every
 * error, with time driven by the test and a leak check at the end of each test.
 */
class EngineHandlerTest {
  private static final String BASE = "/engine.io/?EIO=4&transport=polling";

  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private EngineServer server = newServer(EngineOptions.DEFAULT);

  private EngineServer newServer(EngineOptions options) {
    EngineServer s = new EngineServer(options);
    s.onConnection(socket -> socket.listener(new EngineSocket.Listener() {
      @Override
      public void onMessage(String text) {
        events.add("message:" + text);
        if (text.startsWith("echo ")) {
          socket.send(text.substring(5));
        }
      }

      @Override
      public void onBinary(byte[] data) {
        events.add("binary:" + data.length);
        socket.send(data);
      }

      @Override
      public void onUpgrade(Transport transport) {
        events.add("upgrade:" + transport.wireName());
      }

      @Override
      public void onClose(CloseReason reason, String description) {
        events.add("close:" + reason.text());
      }
    }));
    return s;
  }

  @AfterEach
  void noLeaks() {
    for (EmbeddedChannel ch : channels) {
      ch.runPendingTasks();
      Object o;
      while ((o = ch.readOutbound()) != null) {
        ReferenceCountUtil.release(o);
      }
      while ((o = ch.readInbound()) != null) {
        ReferenceCountUtil.release(o);
      }
      assertThat(ch.finish()).as("nothing left in the channel").isFalse();
    }
  }

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel(server.newHandler());
    channels.add(ch);
    return ch;
  }

  private static FullHttpRequest get(String uri) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  private static FullHttpRequest post(String uri, String body) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
        Unpooled.copiedBuffer(body, CharsetUtil.UTF_8));
    HttpUtil.setContentLength(req, req.content().readableBytes());
    return req;
  }

  /** Writes a request (split into head and body, as the HTTP codec delivers it) and returns the response, if any. */
  private static FullHttpResponse exchange(EmbeddedChannel ch, FullHttpRequest req) {
    HttpRequest head = new DefaultHttpRequest(req.protocolVersion(), req.method(), req.uri(), req.headers());
    ch.writeInbound(head, new DefaultLastHttpContent(req.content()));
    ch.runPendingTasks();
    return ch.readOutbound();
  }

  private static String body(FullHttpResponse res) {
    try {
      return res.content().toString(CharsetUtil.UTF_8);
    } finally {
      res.release();
    }
  }

  private String handshake(EmbeddedChannel ch) {
    FullHttpResponse res = exchange(ch, get(BASE));
    assertThat(res.status().code()).isEqualTo(200);
    String open = body(res);
    assertThat(open).startsWith("0{\"sid\":\"");
    return open.substring(9, open.indexOf('"', 9));
  }

  @Test
  void pollingHandshakeSendsTheOpenPacketWithExactlyTheReferenceKeys() {
    EmbeddedChannel ch = channel();
    FullHttpResponse res = exchange(ch, get(BASE));
    assertThat(res.status().code()).isEqualTo(200);
    assertThat(res.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=UTF-8");
    assertThat(res.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-store");
    String open = body(res);
    assertThat(open).matches("0\\{\"sid\":\"[A-Za-z0-9_-]{24}\",\"upgrades\":\\[\"websocket\"\\],"
        + "\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":1000000}");
    assertThat(server.clientsCount()).isEqualTo(1);
  }

  @Test
  void sessionIdsAreUniqueAndUrlSafe() {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = EngineServer.newSessionId();
      assertThat(id).matches("[A-Za-z0-9_-]{24}");
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  void everyErrorIsAnsweredWithItsCode() {
    EmbeddedChannel ch = channel();
    assertError(exchange(ch, get("/engine.io/?EIO=4&transport=abc")), 400, ErrorCode.UNKNOWN_TRANSPORT);
    assertError(exchange(ch, get("/engine.io/?EIO=4")), 400, ErrorCode.UNKNOWN_TRANSPORT);
    assertError(exchange(ch, get(BASE + "&sid=nope")), 400, ErrorCode.UNKNOWN_SID);
    assertError(exchange(ch, post(BASE, "4x")), 400, ErrorCode.BAD_HANDSHAKE_METHOD);
    assertError(exchange(ch, get("/engine.io/?EIO=4&transport=websocket")), 400, ErrorCode.BAD_REQUEST);
    assertError(exchange(ch, get("/engine.io/?EIO=3&transport=polling")), 400, ErrorCode.UNSUPPORTED_PROTOCOL_VERSION);
    assertError(exchange(ch, get("/engine.io/?transport=polling")), 400, ErrorCode.UNSUPPORTED_PROTOCOL_VERSION);

    server = newServer(EngineOptions.builder().allowRequest(req -> !"evil".equals(req.queryParam("who"))).build());
    EmbeddedChannel ch2 = channel();
    assertError(exchange(ch2, get(BASE + "&who=evil")), 403, ErrorCode.FORBIDDEN);
    assertThat(server.clientsCount()).isZero();
  }

  private static void assertError(FullHttpResponse res, int status, ErrorCode code) {
    assertThat(res.status().code()).isEqualTo(status);
    assertThat(res.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
    assertThat(body(res)).isEqualTo(code.json());
  }

  @Test
  void postedPayloadsReachTheListenerInOrderAndRepliesComeBackInOnePayload() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    FullHttpResponse ok = exchange(ch, post(BASE + "&sid=" + sid, "4echo one\u001e4echo two\u001ebAQIDBA=="));
    assertThat(ok.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=UTF-8");
    assertThat(body(ok)).isEqualTo("ok");
    assertThat(events).containsExactly("message:echo one", "message:echo two", "binary:4");
    assertThat(body(exchange(ch, get(BASE + "&sid=" + sid)))).isEqualTo("4one\u001e4two\u001ebAQIDBA==");
  }

  @Test
  void aPendingGetIsAnsweredWhenDataArrives() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EmbeddedChannel poll = channel();
    assertThat((Object) exchange(poll, get(BASE + "&sid=" + sid))).isNull(); // held
    ch.runPendingTasks();
    server.socket(sid).send("late");
    ch.runPendingTasks();
    poll.runPendingTasks();
    assertThat(body(poll.readOutbound())).isEqualTo("4late");
  }

  @Test
  void aSecondConcurrentGetFailsAndClosesTheSession() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EmbeddedChannel first = channel();
    assertThat((Object) exchange(first, get(BASE + "&sid=" + sid))).isNull();
    ch.runPendingTasks();
    EmbeddedChannel second = channel();
    exchange(second, get(BASE + "&sid=" + sid));
    ch.runPendingTasks();
    second.runPendingTasks();
    first.runPendingTasks();
    assertError(second.readOutbound(), 400, ErrorCode.BAD_REQUEST);
    assertThat(body(first.readOutbound())).isEqualTo("1");
    assertThat(events).containsExactly("close:transport error");
    assertError(exchange(ch, get(BASE + "&sid=" + sid)), 400, ErrorCode.UNKNOWN_SID);
  }

  @Test
  void anInvalidPacketClosesOnlyThatSession() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    String other = handshake(ch);
    assertError(exchange(ch, post(BASE + "&sid=" + sid, "abc")), 400, ErrorCode.BAD_REQUEST);
    assertThat(events).containsExactly("close:parse error");
    assertThat(server.socket(sid)).isNull();
    assertThat(server.socket(other)).isNotNull();
    assertThat(body(exchange(ch, post(BASE + "&sid=" + other, "4still here")))).isEqualTo("ok");
  }

  @Test
  void aPingFromTheClientIsAnError() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    assertThat(body(exchange(ch, post(BASE + "&sid=" + sid, "2")))).isEqualTo("ok");
    assertThat(events).containsExactly("close:transport error");
  }

  @Test
  void closingAClosedSessionAfterItsLoopIsGoneIsHarmless() throws Exception {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EngineSocket socket = server.socket(sid);
    assertThat(body(exchange(ch, post(BASE + "&sid=" + sid, "1")))).isEqualTo("ok");
    ch.close();
    socket.close();
    socket.send("nobody listens");
    assertThat(events).containsExactly("close:transport close");
  }

  @Test
  void anOversizedPostIsRefusedBeforeItsBodyIsRead() {
    server = newServer(EngineOptions.builder().maxHttpBufferSize(100).build());
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, BASE + "&sid=" + sid);
    HttpUtil.setContentLength(head, 101);
    ch.writeInbound(head);
    ch.runPendingTasks();
    FullHttpResponse res = ch.readOutbound();
    assertThat(res.status().code()).isEqualTo(413);
    assertThat(res.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
    res.release();
    ch.runPendingTasks();
    assertThat(ch.isOpen()).as("the connection is closed: its body is never read").isFalse();
    assertThat(events).containsExactly("close:transport error");
  }

  @Test
  void aChunkedPostThatGrowsTooLargeIsRefused() {
    server = newServer(EngineOptions.builder().maxHttpBufferSize(100).build());
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, BASE + "&sid=" + sid);
    HttpUtil.setTransferEncodingChunked(head, true);
    ch.writeInbound(head, new DefaultHttpContent(Unpooled.copiedBuffer("4" + "x".repeat(60), CharsetUtil.UTF_8)),
        new DefaultHttpContent(Unpooled.copiedBuffer("y".repeat(60), CharsetUtil.UTF_8)),
        new DefaultLastHttpContent());
    ch.runPendingTasks();
    FullHttpResponse res = ch.readOutbound();
    assertThat(res.status().code()).isEqualTo(413);
    res.release();
    assertThat(events).containsExactly("close:transport error");
  }

  @Test
  void theServerPingsAndClosesWithoutPong() {
    server = newServer(EngineOptions.builder().pingInterval(Duration.ofSeconds(25))
        .pingTimeout(Duration.ofSeconds(20)).build());
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    ch.advanceTimeBy(25, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
    assertThat(body(exchange(ch, get(BASE + "&sid=" + sid)))).isEqualTo("2");
    assertThat(body(exchange(ch, post(BASE + "&sid=" + sid, "3")))).isEqualTo("ok"); // pong: alive
    ch.advanceTimeBy(25, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();
    assertThat(body(exchange(ch, get(BASE + "&sid=" + sid)))).isEqualTo("2");
    ch.advanceTimeBy(20, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(events).containsExactly("close:ping timeout");
    assertError(exchange(ch, get(BASE + "&sid=" + sid)), 400, ErrorCode.UNKNOWN_SID);
  }

  @Test
  void serverCloseFlushesWhatIsQueuedThenSendsClose() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EngineSocket socket = server.socket(sid);
    socket.send("bye");
    socket.close();
    socket.send("ignored after close");
    ch.runPendingTasks();
    assertThat(events).isEmpty();
    assertThat(body(exchange(ch, get(BASE + "&sid=" + sid)))).isEqualTo("4bye\u001e1");
    assertThat(events).containsExactly("close:forced close");
  }

  @Test
  void clientClosePacketEndsTheSessionAndReleasesThePoll() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EmbeddedChannel poll = channel();
    exchange(poll, get(BASE + "&sid=" + sid));
    ch.runPendingTasks();
    assertThat(body(exchange(ch, post(BASE + "&sid=" + sid, "1")))).isEqualTo("ok");
    poll.runPendingTasks();
    assertThat(body(poll.readOutbound())).isEqualTo("6");
    assertThat(events).containsExactly("close:transport close");
  }

  @Test
  void aClientThatStopsReadingIsClosedOnceItsBufferIsFull() {
    server = newServer(EngineOptions.builder().maxHttpBufferSize(1000).maxBufferedBytes(10_000).build());
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EngineSocket socket = server.socket(sid);
    for (int i = 0; i < 20; i++) {
      socket.send("x".repeat(999));
      ch.runPendingTasks();
    }
    assertThat(events).containsExactly("close:transport error");
    assertThat(server.clientsCount()).isZero();
  }

  @Test
  void requestsOutsideThePathPassThroughToTheNextHandler() {
    List<Object> passed = new ArrayList<>();
    EmbeddedChannel ch = new EmbeddedChannel(server.newHandler(), new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        passed.add(msg);
      }
    });
    channels.add(ch);
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/login"),
        new DefaultLastHttpContent(Unpooled.copiedBuffer("{}", CharsetUtil.UTF_8)));
    ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/engine.io.js"),
        new DefaultLastHttpContent());
    assertThat(passed).hasSize(4);
    passed.forEach(ReferenceCountUtil::release);
    assertThat((Object) ch.readOutbound()).isNull();
  }

  @Test
  void corsAllowListAnswersPreflightAndDecoratesResponses() {
    server = newServer(EngineOptions.builder()
        .cors(CorsConfigBuilder.forOrigin("https://app.example").allowCredentials().maxAge(600).build()).build());
    EmbeddedChannel ch = channel();
    FullHttpRequest preflight = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, BASE);
    preflight.headers().set(HttpHeaderNames.ORIGIN, "https://app.example");
    preflight.headers().set(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "POST");
    FullHttpResponse res = exchange(ch, preflight);
    assertThat(res.status().code()).isEqualTo(204);
    assertThat(res.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://app.example");
    assertThat(res.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS)).isEqualTo("true");
    assertThat(res.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS)).contains("POST");
    assertThat(res.headers().get(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE)).isEqualTo("600");
    res.release();

    FullHttpRequest allowed = get(BASE);
    allowed.headers().set(HttpHeaderNames.ORIGIN, "https://app.example");
    res = exchange(ch, allowed);
    assertThat(res.headers().get(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isEqualTo("https://app.example");
    assertThat(res.headers().get(HttpHeaderNames.VARY)).isEqualTo("origin");
    res.release();

    FullHttpRequest foreign = get(BASE);
    foreign.headers().set(HttpHeaderNames.ORIGIN, "https://evil.example");
    res = exchange(ch, foreign);
    assertThat(res.headers().contains(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN)).isFalse();
    res.release();
  }

  // ---- WebSocket, through the real HTTP codec and WebSocket frame codecs ----

  /** A client's view: bytes from the server channel decoded as HTTP, then as WebSocket frames. */
  private static final class WsClient {
    final EmbeddedChannel server;
    final EmbeddedChannel http = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(65536));
    final EmbeddedChannel frames = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 2_000_000));
    final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
    boolean upgraded;

    WsClient(EmbeddedChannel server) {
      this.server = server;
    }

    int connect(String uri) {
      // the client codec must see the request go out to pair it with the 101 response
      http.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri));
      ByteBuf out;
      while ((out = http.readOutbound()) != null) {
        out.release();
      }
      String request = "GET " + uri + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      server.writeInbound(Unpooled.copiedBuffer(request, CharsetUtil.US_ASCII));
      server.runPendingTasks();
      ByteBuf bytes = server.readOutbound();
      http.writeInbound(bytes);
      FullHttpResponse res = http.readInbound();
      int status = res.status().code();
      res.release();
      upgraded = status == 101;
      return status;
    }

    void send(WebSocketFrame frame) {
      encoder.writeOutbound(frame);
      ByteBuf b;
      while ((b = encoder.readOutbound()) != null) {
        server.writeInbound(b);
      }
      server.runPendingTasks();
    }

    List<WebSocketFrame> received() {
      server.runPendingTasks();
      ByteBuf b;
      while ((b = server.readOutbound()) != null) {
        frames.writeInbound(b);
      }
      List<WebSocketFrame> list = new ArrayList<>();
      WebSocketFrame f;
      while ((f = frames.readInbound()) != null) {
        list.add(f);
      }
      return list;
    }

    List<String> receivedText() {
      List<String> out = new ArrayList<>();
      for (WebSocketFrame f : received()) {
        out.add(f instanceof TextWebSocketFrame t ? t.text()
            : f instanceof CloseWebSocketFrame c ? "close " + c.statusCode() : "binary " + f.content().readableBytes());
        f.release();
      }
      return out;
    }

    void finish() {
      http.finishAndReleaseAll();
      frames.finishAndReleaseAll();
      encoder.finishAndReleaseAll();
    }
  }

  private WsClient wsClient() {
    EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), server.newHandler());
    channels.add(ch);
    return new WsClient(ch);
  }

  @Test
  void directWebSocketSessionEchoesTextAndBinary() {
    WsClient c = wsClient();
    assertThat(c.connect("/engine.io/?EIO=4&transport=websocket")).isEqualTo(101);
    List<String> open = c.receivedText();
    assertThat(open).hasSize(1);
    assertThat(open.get(0)).matches("0\\{\"sid\":\"[A-Za-z0-9_-]{24}\",\"upgrades\":\\[\\],\"pingInterval\":25000,"
        + "\"pingTimeout\":20000,\"maxPayload\":1000000}");
    c.send(new TextWebSocketFrame("4echo hi"));
    c.send(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})));
    assertThat(c.receivedText()).containsExactly("4hi", "binary 3");
    c.send(new TextWebSocketFrame("1"));
    assertThat(events).containsExactly("message:echo hi", "binary:3", "close:transport close");
    c.finish();
  }

  @Test
  void anOversizedWebSocketMessageGetsClose1009() {
    server = newServer(EngineOptions.builder().maxHttpBufferSize(100).build());
    WsClient c = wsClient();
    c.connect("/engine.io/?EIO=4&transport=websocket");
    c.receivedText();
    c.send(new TextWebSocketFrame("4" + "x".repeat(200)));
    assertThat(c.receivedText()).containsExactly("close 1009");
    c.server.runPendingTasks();
    assertThat(events).containsExactly("close:transport error");
    c.finish();
  }

  @Test
  void invalidUtf8GetsClose1007() {
    WsClient c = wsClient();
    c.connect("/engine.io/?EIO=4&transport=websocket");
    c.receivedText();
    c.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'4', (byte) 0xc3, (byte) 0x28})));
    assertThat(c.receivedText()).containsExactly("close 1007");
    c.finish();
  }

  @Test
  void upgradeMovesTheSessionToWebSocketWithoutLosingPackets() {
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    EngineSocket socket = server.socket(sid);
    EmbeddedChannel poll = channel();
    exchange(poll, get(BASE + "&sid=" + sid)); // pending GET
    WsClient c = wsClient();
    assertThat(c.connect("/engine.io/?EIO=4&transport=websocket&sid=" + sid)).isEqualTo(101);
    ch.runPendingTasks();
    c.send(new TextWebSocketFrame("2probe"));
    ch.runPendingTasks();
    assertThat(c.receivedText()).containsExactly("3probe");
    poll.runPendingTasks();
    assertThat(body(poll.readOutbound())).isEqualTo("6"); // the pending GET is released
    socket.send("during upgrade"); // queued: no GET is pending and the upgrade is not complete
    ch.runPendingTasks();
    c.send(new TextWebSocketFrame("5"));
    ch.runPendingTasks();
    assertThat(socket.transport()).isEqualTo(Transport.WEBSOCKET);
    assertThat(c.receivedText()).containsExactly("4during upgrade");
    assertError(exchange(ch, get(BASE + "&sid=" + sid)), 400, ErrorCode.BAD_REQUEST);

    WsClient second = wsClient();
    assertThat(second.connect("/engine.io/?EIO=4&transport=websocket&sid=" + sid)).isEqualTo(101);
    ch.runPendingTasks();
    assertThat(second.receivedText()).containsExactly("close 1008");

    c.send(new TextWebSocketFrame("4echo after"));
    ch.runPendingTasks();
    assertThat(c.receivedText()).containsExactly("4after");
    assertThat(events).containsExactly("upgrade:websocket", "message:echo after");
    c.finish();
    second.finish();
  }

  @Test
  void allowRequestAlsoGuardsUpgrades() {
    server = newServer(EngineOptions.builder()
        .allowRequest(req -> !"websocket".equals(req.queryParam("transport"))).build());
    EmbeddedChannel ch = channel();
    String sid = handshake(ch);
    WsClient c = wsClient();
    assertThat(c.connect("/engine.io/?EIO=4&transport=websocket&sid=" + sid)).isEqualTo(403);
    assertThat(server.socket(sid).transport()).isEqualTo(Transport.POLLING);
    c.finish();
  }
}
