package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.Builder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The client bundle, and Socket.IO next to an application's own routes on one port. */
class ServingTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String url, String... headers) throws Exception {
    Builder b = java.net.http.HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePinnedClientBundleWithAnEtag() throws Exception {
    try (TestServer t = new TestServer()) {
      for (String name : new String[] {"socket.io.js", "socket.io.min.js", "socket.io.esm.min.js"}) {
        HttpResponse<String> r = get(t.url() + "/socket.io/" + name);
        assertThat(r.statusCode()).as(name).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/javascript");
        assertThat(r.body()).contains("4.8.");
        String etag = r.headers().firstValue("etag").orElseThrow();
        assertThat(get(t.url() + "/socket.io/" + name, "If-None-Match", etag).statusCode()).isEqualTo(304);
      }
      assertThat(get(t.url() + "/socket.io/socket.io.js.map").statusCode()).isEqualTo(200);
      assertThat(get(t.url() + "/socket.io/nothing.js").statusCode()).isNotEqualTo(200);
    }
  }

  @Test
  void listenAppliesTheHttpLimitsOfTheOptions() throws Exception {
    ServerOptions options = ServerOptions.builder()
        .http(HttpServerOptions.builder().maxConnectionsPerIp(2).build())
        .build();
    // one after the other: simultaneous connections are admitted on different event loops, in any order
    try (TestServer t = new TestServer(options);
        java.net.Socket first = new java.net.Socket("127.0.0.1", t.io.port())) {
      assertThat(handshakeStatus(first)).isEqualTo("HTTP/1.1 200 OK");
      try (java.net.Socket second = new java.net.Socket("127.0.0.1", t.io.port())) {
        assertThat(handshakeStatus(second)).isEqualTo("HTTP/1.1 200 OK");
        try (java.net.Socket third = new java.net.Socket("127.0.0.1", t.io.port())) {
          assertThat(handshakeStatus(third)).isEqualTo("HTTP/1.1 503 Service Unavailable");
        }
      }
    }
  }

  private static String handshakeStatus(java.net.Socket s) throws Exception {
    s.setSoTimeout(5_000);
    s.getOutputStream().write(
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
        .readLine();
  }

  @Test
  void bundleIsNotServedWhenServeClientIsOff() throws Exception {
    try (TestServer t = new TestServer(ServerOptions.builder().serveClient(false).build())) {
      assertThat(get(t.url() + "/socket.io/socket.io.js").statusCode()).isNotEqualTo(200);
    }
  }

  @Test
  void sharesAPortWithTheApplicationsRoutes() throws Exception {
    Server io = new Server();
    io.onConnection(socket -> socket.on("ping", (args, ack) -> ack.send("pong")));
    try (HttpServer server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), p -> {
      io.configure(p);
      p.addLast(new SimpleChannelInboundHandler<HttpObject>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
          if (msg instanceof HttpRequest req && req.uri().equals("/hello")) {
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("hello from the app", CharsetUtil.UTF_8));
            HttpUtil.setContentLength(res, res.content().readableBytes());
            ctx.writeAndFlush(res);
          } else {
            ctx.fireChannelRead(ReferenceCountUtil.retain(msg));
          }
        }
      });
    }); NodeClient c = NodeClient.start("http://127.0.0.1:" + server.port(), "/", "--transports", "both")) {
      assertThat(get("http://127.0.0.1:" + server.port() + "/hello").body()).isEqualTo("hello from the app");
      c.connected();
      c.emitWithAck(1, "ping");
      assertThat(c.await("ack").get("args").get(0).asText()).isEqualTo("pong");
      assertThat(get("http://127.0.0.1:" + server.port() + "/other").statusCode()).isEqualTo(404);
      io.close();   // the Socket.IO server first, while the HTTP server's event loops still run
    }
  }
}
