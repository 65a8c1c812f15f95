package io.switchboard.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.bench.NettyTransport;
import io.switchboard.bench.servers.BenchHttpServer;
import io.switchboard.engine.EngineOptions;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each attack kind, small (at most 50 connections), against a server in this JVM: a Switchboard {@link Server} with
 * short limits where it has them, and small Netty handlers in front of it that play the limits it does not have yet
 * (an idle timeout, a request-head deadline) or scripted answers (503, close 1013, eof, reset).
 */
@Timeout(120)
class AttackEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  /** A Switchboard server on a free loopback port with {@code front} handlers after the HTTP codec. */
  private int switchboard(ServerOptions options, Consumer<ChannelPipeline> front) {
    Server io = new Server(options);
    closeAfter.add(io);
    return listen(p -> {
      front.accept(p);
      io.configure(p);
    });
  }

  private int listen(Consumer<ChannelPipeline> handlers) {
    BenchHttpServer http = BenchHttpServer.start(new InetSocketAddress("127.0.0.1", 0), NettyTransport.pick("nio"), 1,
        handlers);
    closeAfter.add(0, http);
    return http.port();
  }

  private static JsonNode attack(String kind, int port, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--probe-ms", "100"));
    args.addAll(List.of(extra));
    String line = AttackMain.run(AttackOptions.parse(kind, args.toArray(String[]::new)));
    System.out.println(line);
    JsonNode r = JSON.readTree(line);
    assertThat(r.path("attack").asText()).isEqualTo(kind);
    return r;
  }

  private static void assertProbesServed(JsonNode r) {
    assertThat(r.path("probes").asInt()).isPositive();
    assertThat(r.path("probe_failed").asInt()).isZero();
    assertThat(r.path("probe_ok").asInt()).isEqualTo(r.path("probes").asInt());
    assertThat(r.path("probe_max_ms").asDouble()).isGreaterThanOrEqualTo(r.path("probe_p50_ms").asDouble()).isPositive();
  }

  @Test
  void idleTcpSeesTheServersIdleTimeout() throws Exception {
    int port = switchboard(ServerOptions.DEFAULT, p -> p.addFirst(new ReadTimeoutHandler(300, TimeUnit.MILLISECONDS)));
    JsonNode r = attack("idle-tcp", port, "--count", "30", "--hold-s", "10");
    assertThat(r.path("connected").asInt()).isEqualTo(30);
    assertThat(r.path("closed_by_server").asInt()).isEqualTo(30);
    assertThat(r.path("closed").path("eof").asInt()).isEqualTo(30);
    assertThat(r.path("closed_at_once").asInt()).isZero();
    assertThat(r.path("close_p50_ms").asDouble()).isGreaterThanOrEqualTo(250);
    assertThat(r.path("close_max_ms").asDouble()).isGreaterThanOrEqualTo(r.path("close_p90_ms").asDouble())
        .isLessThan(9000);
    assertThat(r.path("still_open").asInt()).isZero();
    assertThat(r.path("stopped").asText()).isEqualTo("no connection left open");
    assertProbesServed(r);
  }

  @Test
  void idleTcpConnectionsStayOpenWithoutATimeoutAndRefusalsAreCounted() throws Exception {
    Set<String> sources = ConcurrentHashMap.newKeySet();
    int port = switchboard(ServerOptions.DEFAULT,
        p -> sources.add(((InetSocketAddress) p.channel().remoteAddress()).getAddress().getHostAddress()));
    JsonNode r = attack("idle-tcp", port, "--count", "40", "--hold-s", "0.5", "--source", "127.0.0.2");
    assertThat(r.path("connected").asInt()).isEqualTo(40);
    assertThat(sources).contains("127.0.0.2"); // the attack's; the probes come from 127.0.0.1
    assertThat(r.path("closed_by_server").asInt()).isZero();
    assertThat(r.path("still_open").asInt()).isEqualTo(40);
    assertThat(r.path("stopped").asText()).isEqualTo("hold over");
    assertThat(r.path("hold_ms").asLong()).isGreaterThanOrEqualTo(500);
    assertProbesServed(r);

    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    JsonNode refused = attack("idle-tcp", closedPort, "--count", "5", "--hold-s", "0.2", "--probe-ms", "0");
    assertThat(refused.path("connected").asInt()).isZero();
    assertThat(refused.path("connect_failures").path("refused").asInt()).isEqualTo(5);
    assertThat(refused.has("probes")).isFalse();
  }

  /** Answers 408 and closes when the request head is not in within {@code ms}. */
  private static final class HeadDeadline extends ChannelInboundHandlerAdapter {
    private final long ms;
    private ScheduledFuture<?> timer;

    HeadDeadline(long ms) {
      this.ms = ms;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      timer = ctx.executor().schedule(() -> {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
            Unpooled.EMPTY_BUFFER);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }, ms, TimeUnit.MILLISECONDS);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        timer.cancel(false);
      }
      ctx.fireChannelRead(msg);
    }
  }

  @Test
  void slowlorisGetsTheServers408() throws Exception {
    int port = switchboard(ServerOptions.DEFAULT, p -> p.addLast(new HeadDeadline(600)));
    JsonNode r = attack("slowloris", port, "--count", "25", "--interval-s", "0.05", "--hold-s", "10");
    assertThat(r.path("connected").asInt()).isEqualTo(25);
    assertThat(r.path("closed_by_server").asInt()).isEqualTo(25);
    assertThat(r.path("http_status").path("408").asInt()).isEqualTo(25);
    assertThat(r.path("close_p50_ms").asDouble()).isGreaterThanOrEqualTo(550);
    assertThat(r.path("still_open").asInt()).isZero();
    assertThat(r.path("bytes_sent").asLong()).isGreaterThanOrEqualTo(25 * 5);
    assertThat(r.path("bytes_received").asLong()).isPositive();
    assertProbesServed(r);
  }

  @Test
  void slowlorisKeepsSendingToAPatientServer() throws Exception {
    int port = switchboard(ServerOptions.DEFAULT, p -> { });
    JsonNode r = attack("slowloris", port, "--count", "10", "--interval-s", "0.05", "--hold-s", "1");
    assertThat(r.path("still_open").asInt()).isEqualTo(10);
    assertThat(r.path("closed_by_server").asInt()).isZero();
    assertThat(r.path("bytes_sent").asLong()).isGreaterThanOrEqualTo(10 * 10);
    assertProbesServed(r);
  }

  @Test
  void wsBurstAgainstSwitchboardUpgradesAll() throws Exception {
    int port = switchboard(ServerOptions.DEFAULT, p -> { });
    JsonNode r = attack("ws-burst", port, "--count", "40", "--close-wait-s", "0.3");
    assertThat(r.path("classes").path("101_open").asInt()).isEqualTo(40);
    assertThat(r.path("classes").size()).isEqualTo(1);
    assertThat(r.path("open_packets").asInt()).isEqualTo(40);
    assertThat(r.path("answered").asInt()).isEqualTo(40);
    assertThat(r.path("still_open").asInt()).isEqualTo(40);
    assertThat(r.path("answer_max_ms").asDouble()).isPositive();
    assertProbesServed(r);
  }

  /** Answers WebSocket upgrades in turn with 503 + Retry-After, 101 then close 1013, a bare close, a reset. */
  private static final class Scripted extends ChannelInboundHandlerAdapter {
    private final AtomicInteger turn;

    Scripted(AtomicInteger turn) {
      this.turn = turn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest req)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        switch (turn.getAndIncrement() % 4) {
          case 0 -> {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SERVICE_UNAVAILABLE, Unpooled.EMPTY_BUFFER);
            res.headers().set(HttpHeaderNames.RETRY_AFTER, "7").set(HttpHeaderNames.CONNECTION, "close")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
          }
          case 1 -> {
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory("ws://127.0.0.1/socket.io/", null,
                false).newHandshaker(req);
            hs.handshake(ctx.channel(), req).addListener(f -> ctx.channel().writeAndFlush(
                new CloseWebSocketFrame(1013, "try again later")));
          }
          case 2 -> ctx.close();
          default -> {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
          }
        }
      } finally {
        req.release();
      }
    }
  }

  @Test
  void wsBurstClassifiesEveryKindOfAnswer() throws Exception {
    AtomicInteger turn = new AtomicInteger();
    int port = listen(p -> p.addLast(new HttpObjectAggregator(8192), new Scripted(turn)));
    JsonNode r = attack("ws-burst", port, "--count", "40", "--probe-ms", "0");
    JsonNode c = r.path("classes");
    assertThat(c.path("http_503").asInt()).isEqualTo(10);
    assertThat(c.path("101_close_1013").asInt()).isEqualTo(10);
    assertThat(c.path("eof").asInt()).isEqualTo(10);
    assertThat(c.path("reset").asInt()).isEqualTo(10);
    assertThat(c.size()).isEqualTo(4);
    assertThat(r.path("retry_after").path("7").asInt()).isEqualTo(10);
    assertThat(r.path("answered").asInt()).isEqualTo(20);
    assertThat(r.path("still_open").asInt()).isZero();
  }

  @Test
  void memoryAttackIsClosedByTheConnectTimeoutAfterSendingAll() throws Exception {
    ServerOptions options = ServerOptions.builder().connectTimeout(Duration.ofMillis(800)).build();
    int port = switchboard(options, p -> { });
    long pid = ProcessHandle.current().pid();
    JsonNode r = attack("memory", port, "--count", "20", "--attachments", "4", "--size", "5000", "--hold-s", "10",
        "--server-pid", String.valueOf(pid));
    assertThat(r.path("upgraded").asInt()).isEqualTo(20);
    assertThat(r.path("open_packets").asInt()).isEqualTo(20);
    assertThat(r.path("fully_sent").asInt()).isEqualTo(20);
    long planned = r.path("planned_bytes_per_conn").asLong();
    assertThat(planned).isEqualTo(WsFrames.placeholderEvent(4).length() + 8 + 3 * (5000 + 8));
    assertThat(r.path("closed_by_server").asInt()).isEqualTo(20);
    assertThat(r.path("closed_stage").path("holding").asInt()).isEqualTo(20);
    assertThat(r.path("closed_at_bytes_p50").asLong()).isEqualTo(planned);
    assertThat(r.path("close_p50_ms").asDouble()).isGreaterThanOrEqualTo(700);
    assertThat(r.path("still_open").asInt()).isZero();
    assertThat(r.path("server_rss_mb_max").asDouble()).isPositive();
    assertProbesServed(r);
  }

  @Test
  void memoryAttackHoldsAgainstAPatientServerThatStillServesSocketIo() throws Exception {
    // patient: the pre-CONNECT allowance (64 KiB by default) raised above what each attacker sends
    int port = switchboard(ServerOptions.builder().preConnectInputLimit(1_000_000).build(), p -> { });
    JsonNode r = attack("memory", port, "--count", "20", "--attachments", "3", "--size", "70000", "--hold-s", "1",
        "--probe-socketio");
    assertThat(r.path("fully_sent").asInt()).isEqualTo(20);
    assertThat(r.path("closed_by_server").asInt()).isZero();
    assertThat(r.path("still_open").asInt()).isEqualTo(20);
    assertThat(r.path("still_open_sending").asInt()).isZero();
    assertThat(r.path("bytes_sent").asLong()).isGreaterThanOrEqualTo(20 * r.path("planned_bytes_per_conn").asLong());
    assertProbesServed(r);
    assertThat(r.path("sio_probes").asInt()).isPositive();
    assertThat(r.path("sio_probe_ok").asInt()).isEqualTo(r.path("sio_probes").asInt());
  }

  @Test
  void memoryAttackPastThePreConnectAllowanceIsClosedWhileSending() throws Exception {
    int port = switchboard(ServerOptions.DEFAULT, p -> { });
    JsonNode r = attack("memory", port, "--count", "20", "--attachments", "3", "--size", "70000", "--hold-s", "1",
        "--probe-socketio");
    assertThat(r.path("closed_by_server").asInt()).isEqualTo(20);
    assertThat(r.path("still_open").asInt()).isZero();
    assertProbesServed(r);
  }

  @Test
  void memoryAttackAnnouncingTooManyAttachmentsIsClosedAtOnce() throws Exception {
    int port = switchboard(ServerOptions.builder().maxAttachments(10).build(), p -> { });
    JsonNode r = attack("memory", port, "--count", "10", "--attachments", "11", "--size", "100", "--hold-s", "5");
    assertThat(r.path("upgraded").asInt()).isEqualTo(10);
    assertThat(r.path("closed_by_server").asInt()).isEqualTo(10);
    assertThat(r.path("close_max_ms").asDouble()).isLessThan(4000);
    assertProbesServed(r);
  }

  @Test
  void memoryAttackAnswersPingsSoTheServerKeepsItsSessions() throws Exception {
    ServerOptions options = ServerOptions.builder()
        .engine(EngineOptions.builder().pingInterval(Duration.ofMillis(150)).pingTimeout(Duration.ofMillis(150)).build())
        .build();
    int port = switchboard(options, p -> { });
    JsonNode r = attack("memory", port, "--count", "10", "--attachments", "2", "--size", "1000", "--hold-s", "1.2");
    assertThat(r.path("fully_sent").asInt()).isEqualTo(10);
    assertThat(r.path("pings_answered").asLong()).isGreaterThanOrEqualTo(10 * 3);
    assertThat(r.path("closed_by_server").asInt()).isZero(); // without pongs they would be gone after 300 ms
    assertThat(r.path("still_open").asInt()).isEqualTo(10);
    assertProbesServed(r);
  }

  @Test
  void memoryAttackFrameAboveTheServersLimitIsClosedWhileSending() throws Exception {
    int port = switchboard(ServerOptions.DEFAULT, p -> { }); // maxHttpBufferSize 1e6
    JsonNode r = attack("memory", port, "--count", "5", "--attachments", "2", "--size", "4000000", "--hold-s", "5");
    assertThat(r.path("upgraded").asInt()).isEqualTo(5);
    assertThat(r.path("fully_sent").asInt()).isZero();
    assertThat(r.path("closed_by_server").asInt()).isEqualTo(5);
    assertThat(r.path("closed_stage").path("sending").asInt()).isEqualTo(5);
    assertThat(r.path("closed_at_bytes_max").asLong()).isLessThan(r.path("planned_bytes_per_conn").asLong());
    assertProbesServed(r);
  }

  /** Upgrades, sends an Engine.IO open packet, then stops reading. */
  private static final class Stalled extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof FullHttpRequest req)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        new WebSocketServerHandshakerFactory("ws://127.0.0.1/socket.io/", null, false).newHandshaker(req)
            .handshake(ctx.channel(), req).addListener(f -> {
              ctx.channel().config().setAutoRead(false);
              ctx.channel().writeAndFlush(new TextWebSocketFrame("0{\"sid\":\"s\",\"upgrades\":[]}"));
            });
      } finally {
        req.release();
      }
    }
  }

  @Test
  void memoryAttackAgainstAServerThatStopsReadingIsStillSendingAtTheEnd() throws Exception {
    int port = listen(p -> p.addLast(new HttpObjectAggregator(8192), new Stalled()));
    JsonNode r = attack("memory", port, "--count", "5", "--attachments", "3", "--size", "4000000", "--probe-ms", "0",
        "--open-timeout-s", "1", "--hold-s", "0.3");
    assertThat(r.path("open_packets").asInt()).isEqualTo(5);
    assertThat(r.path("fully_sent").asInt()).isZero();
    assertThat(r.path("still_open").asInt()).isEqualTo(5);
    assertThat(r.path("still_open_sending").asInt()).isEqualTo(5);
    assertThat(r.path("bytes_sent").asLong()).isPositive()
        .isLessThan(5 * r.path("planned_bytes_per_conn").asLong() / 2);
    assertThat(r.path("open_phase_ms").asLong()).isGreaterThanOrEqualTo(1000);
  }
}
