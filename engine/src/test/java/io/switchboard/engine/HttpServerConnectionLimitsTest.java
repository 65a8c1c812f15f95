package io.switchboard.engine;

import static io.switchboard.engine.GuardedHttpServerFixture.awaitTrue;
import static io.switchboard.engine.RawHttpConnection.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.switchboard.engine.RawHttpConnection.Response;
import io.switchboard.testkit.RawWebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection limits over raw sockets from 127.0.0.1: the server-wide cap closes on accept, the per-address cap
 * and connect rate answer 503 with Retry-After, X-Forwarded-For counts only from trusted proxies, and the per-address
 * table stays bounded.
 */
class HttpServerConnectionLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(2);

  private GuardedHttpServerFixture server;
  private final List<RawHttpConnection> open = new ArrayList<>();

  @AfterEach
  void stop() {
    open.forEach(RawHttpConnection::close);
    if (server != null) {
      server.close();
    }
  }

  /** Opens a connection and makes one request on it, so that the server has surely counted it. */
  private RawHttpConnection admitted(String path, String... headers) {
    RawHttpConnection c = server.connect();
    open.add(c);
    c.send(request(path, headers));
    Response res = c.readResponse();
    assertThat(res.status()).as("%s admitted", path).isEqualTo(200);
    return c;
  }

  private static String request(String path, String... headers) {
    StringBuilder r = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: test\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    return r.append("\r\n").toString();
  }

  /** Opens a connection, expects its first request to get 503 with Retry-After, then a close; the seconds. */
  private long refused(String path, String... headers) {
    try (RawHttpConnection c = server.connect()) {
      c.send(request(path, headers) + get("/pipelined"));
      Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(503);
      assertThat(c.awaitClosed(WAIT)).isTrue();
      assertThat(server.dispatched()).doesNotContain(path, "/pipelined");
      return Long.parseLong(res.header("retry-after"));
    }
  }

  @Test
  void theSixthConnectionOfAnAddressWithACapOfFiveGets503WhileTheFiveStillWork() {
    server = GuardedHttpServerFixture.start(b -> b.maxConnectionsPerIp(5).idleTimeout(Duration.ofSeconds(5)));
    for (int i = 0; i < 5; i++) {
      admitted("/" + i);
    }
    assertThat(refused("/6th")).isPositive();
    for (RawHttpConnection c : open) {
      c.send(get("/again"));
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
    assertThat(server.stats().refusedPerIp()).isEqualTo(1);
    // a connection closing makes room
    open.remove(0).close();
    awaitTrue("the closed connection released", WAIT, () -> server.stats().openConnections() == 4);
    admitted("/room");
  }

  @Test
  void aRefusedConnectionThatSendsNothingIsClosedByTheIdleTimeout() {
    server = GuardedHttpServerFixture.start(b -> b.maxConnectionsPerIp(1));
    admitted("/first");
    try (RawHttpConnection c = server.connect()) {
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.stats().refusedPerIp()).isEqualTo(1);
  }

  @Test
  void connectionsBeyondTheConnectRateGet503WithRetryAfter() {
    server = GuardedHttpServerFixture.start(b -> b.connectRatePerIp(0.1, 3));
    for (int i = 0; i < 3; i++) {
      admitted("/" + i).close();
    }
    // one token every 10 s: the fourth connection is refused, and told to come back in about 10 s
    assertThat(refused("/4th")).isBetween(8L, 10L);
    assertThat(server.stats().refusedRate()).isEqualTo(1);
    assertThat(server.stats().refusedPerIp()).isZero();
  }

  @Test
  void beyondMaxConnectionsANewConnectionIsClosedOnAccept() {
    server = GuardedHttpServerFixture.start(b -> b.maxConnections(3).idleTimeout(Duration.ofSeconds(5)));
    for (int i = 0; i < 3; i++) {
      admitted("/" + i);
    }
    try (RawHttpConnection c = server.connect()) {
      c.trySend(get("/4th"));
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    assertThat(server.dispatched()).doesNotContain("/4th");
    assertThat(server.stats().refusedMaxConnections()).isEqualTo(1);
    assertThat(server.stats().openConnections()).isEqualTo(3);
    open.remove(0).close();
    awaitTrue("the closed connection counted out", WAIT, () -> server.stats().openConnections() == 2);
    admitted("/room");
  }

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnCap() {
    server = GuardedHttpServerFixture.start(b -> b.trustedProxies("127.0.0.1").maxConnectionsPerIp(2)
        .idleTimeout(Duration.ofSeconds(5)));
    admitted("/a1", "X-Forwarded-For: 203.0.113.1");
    admitted("/a2", "X-Forwarded-For: 198.51.100.9, 203.0.113.1"); // the right-most is the one our proxy saw
    refused("/a3", "X-Forwarded-For: 203.0.113.1");
    admitted("/b1", "X-Forwarded-For: 203.0.113.2");
    admitted("/b2", "X-Forwarded-For: 203.0.113.1, 203.0.113.2");
    refused("/b3", "X-Forwarded-For: 203.0.113.2");
    assertThat(server.stats().refusedPerIp()).isEqualTo(2);
    // a proxy chain: 127.0.0.1 is trusted, so the client is the next address to the left
    admitted("/c1", "X-Forwarded-For: 203.0.113.3, 127.0.0.1");
    // the proxy's own requests (no header) count against the proxy's address
    admitted("/p1");
  }

  @Test
  void theApplicationSeesTheForwardedClientAddressOnlyBehindATrustedProxy() {
    List<String> seen = new CopyOnWriteArrayList<>();
    Consumer<ChannelPipeline> recorder = p -> p.addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
          seen.add(HttpServer.clientAddress(ctx.channel()).getHostAddress());
        }
        ctx.fireChannelRead(msg);
      }
    });
    server = GuardedHttpServerFixture.startWithBefore(b -> b.trustedProxies("127.0.0.0/8"), recorder);
    admitted("/a", "X-Forwarded-For: 203.0.113.1").close();
    admitted("/b").close();
    server.close();
    server = GuardedHttpServerFixture.startWithBefore(b -> {}, recorder);
    admitted("/c", "X-Forwarded-For: 203.0.113.1").close();
    assertThat(seen).containsExactly("203.0.113.1", "127.0.0.1", "127.0.0.1");
  }

  @Test
  void withoutTrustedProxiesXForwardedForIsIgnored() {
    server = GuardedHttpServerFixture.start(b -> b.maxConnectionsPerIp(2).idleTimeout(Duration.ofSeconds(5)));
    admitted("/a1", "X-Forwarded-For: 203.0.113.1");
    admitted("/b1", "X-Forwarded-For: 203.0.113.2");
    refused("/c1", "X-Forwarded-For: 203.0.113.3");
  }

  @Test
  void aProxyThatIsNotTrustedDoesNotGetItsHeaderBelieved() {
    server = GuardedHttpServerFixture.start(b -> b.trustedProxies("10.0.0.0/8", "::1").maxConnectionsPerIp(1)
        .idleTimeout(Duration.ofSeconds(5)));
    admitted("/a1", "X-Forwarded-For: 203.0.113.1");
    refused("/b1", "X-Forwarded-For: 203.0.113.2");
  }

  /** Makes one request through the trusted proxy 127.0.0.1 for this client, on a connection closed afterwards. */
  private void oneRequestFrom(String client) {
    try (RawHttpConnection c = server.connect()) {
      c.send(request("/", "X-Forwarded-For: " + client));
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void thePerAddressTableStaysBoundedWhenManyAddressesComeAndGo() {
    // buckets that take 1,000 s to refill: no entry becomes forgettable, so only the cap keeps the table small
    server = GuardedHttpServerFixture.start(b -> b.trustedProxies("127.0.0.1").maxTrackedAddresses(10)
        .connectRatePerIp(1, 1_000));
    for (int i = 0; i < 60; i++) {
      oneRequestFrom("192.0.2." + i);
      assertThat(server.stats().trackedAddresses()).isLessThanOrEqualTo(11); // the cap, and the one being added
    }
    assertThat(server.stats().refusedRate()).isZero();
  }

  @Test
  void anAddressWithNoConnectionAndAFullBucketIsForgotten() {
    server = GuardedHttpServerFixture.start(b -> b.trustedProxies("127.0.0.1").connectRatePerIp(1_000, 1_000));
    for (int i = 0; i < 20; i++) {
      oneRequestFrom("192.0.2." + i);
    }
    // each bucket refills in a millisecond; an idle entry goes when its connection closes or at the next sweep
    awaitTrue("every quiet address forgotten", Duration.ofSeconds(3), () -> server.stats().trackedAddresses() == 0);
  }

  @Test
  void ipv6ClientsAreGroupedByTheirSlash64() {
    server = GuardedHttpServerFixture.start(b -> b.trustedProxies("127.0.0.1").maxConnectionsPerIp(2)
        .idleTimeout(Duration.ofSeconds(5)));
    admitted("/a", "X-Forwarded-For: [2001:db8:1:2::1]:443");
    admitted("/b", "X-Forwarded-For: 2001:db8:1:2:ffff::9");
    refused("/c", "X-Forwarded-For: 2001:db8:1:2:1234:5678:9abc:def0");
    admitted("/d", "X-Forwarded-For: 2001:db8:1:3::1");
  }

  @Test
  void aWebSocketKeepsItsPlaceInThePerAddressCapUntilItCloses() {
    server = GuardedHttpServerFixture.start(b -> b.maxConnectionsPerIp(1).idleTimeout(Duration.ofSeconds(5)),
        p -> p.addLast(new HttpObjectAggregator(8192), new WebSocketServerProtocolHandler("/ws")));
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/ws", WAIT)) {
      ws.sendFrame(true, RawWebSocket.PING, new byte[] {1}, true);
      assertThat(ws.readFrame().opcode()).isEqualTo(RawWebSocket.PONG);
      refused("/while-open");
    }
    awaitTrue("the WebSocket released its address", WAIT, () -> server.stats().openConnections() == 0);
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/ws", WAIT)) {
      ws.sendFrame(true, RawWebSocket.PING, new byte[] {2}, true);
      assertThat(ws.readFrame().opcode()).isEqualTo(RawWebSocket.PONG);
    }
    assertThat(server.stats().refusedPerIp()).isEqualTo(1);
  }

  @Test
  void limitsOfZeroAreOff() {
    server = GuardedHttpServerFixture.start(b -> b.maxConnections(0).maxConnectionsPerIp(0).connectRatePerIp(0, 0)
        .idleTimeout(Duration.ofSeconds(5)));
    for (int i = 0; i < 30; i++) {
      admitted("/" + i);
    }
    assertThat(server.stats().trackedAddresses()).isZero();
    assertThat(server.stats().openConnections()).isEqualTo(30);
  }
}
