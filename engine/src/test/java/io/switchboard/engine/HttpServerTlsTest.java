package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import io.switchboard.engine.RawHttpConnection.Response;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestCertificates;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS on {@link HttpServer}: a handshake with each provider (TLS 1.3, ALPN http/1.1), TLS 1.1 refused, certificates
 * reloaded on a file change and on {@link HttpServer#reloadCertificates()} while an open connection keeps its
 * session, a failed reload keeping the old certificate, a key store source, and the redirect listener.
 */
class HttpServerTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Answers 200 "ok" to everything. */
  private static final Consumer<io.netty.channel.ChannelPipeline> OK = p -> p.addLast(
      new SimpleChannelInboundHandler<HttpObject>() {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
          if (msg instanceof HttpRequest) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
            HttpUtil.setContentLength(res, 2);
            ctx.writeAndFlush(res);
          }
        }
      });

  private HttpServer start(TlsOptions tls) {
    server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0),
        HttpServerOptions.builder().tls(tls).fatalErrorHandler(e -> { }).build(), OK);
    return server;
  }

  private static BigInteger servedSerial(RawHttpConnection c) throws Exception {
    return ((X509Certificate) ((SSLSocket) c.socket()).getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  private static Response get(RawHttpConnection c) {
    c.send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
    return c.readResponse();
  }

  @ParameterizedTest
  @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
  void eachProviderServesTls13WithAlpn(TlsProvider provider) throws Exception {
    assertThat(TlsProvider.openSslAvailable()).as("netty-tcnative is a test dependency").isTrue();
    TestCertificates certs = TestCertificates.create(dir);
    start(TlsOptions.builder().pem(certs.chainFile(), certs.keyFile()).provider(provider).build());
    assertThat(server.tlsProvider()).isEqualTo(provider);
    try (RawHttpConnection c = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
      SSLSocket s = (SSLSocket) c.socket();
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
      assertThat(servedSerial(c)).isEqualTo(certs.server().getSerialNumber());
      Response r = get(c);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("ok");
    }
  }

  @ParameterizedTest
  @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
  void tls11IsRefusedAndTls12Accepted(TlsProvider provider) throws Exception {
    TestCertificates certs = TestCertificates.create(dir, "RSA");
    start(TlsOptions.builder().pem(certs.chainFile(), certs.keyFile()).provider(provider).build());
    // BoringSSL as the client: unlike the JDK's, it still offers TLS 1.1 when asked to
    assertThat(handshake("TLSv1.2", certs)).isNull();
    Throwable refused = handshake("TLSv1.1", certs);
    assertThat(refused).isNotNull();
    assertThat(String.valueOf(refused).toUpperCase()).containsAnyOf("PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL");
    assertThat(handshake("TLSv1.2", certs)).as("the server still serves").isNull();
  }

  /** A handshake of a BoringSSL client speaking only {@code protocol}: null when it succeeded, else why not. */
  private Throwable handshake(String protocol, TestCertificates certs) throws Exception {
    SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols(protocol)
        .trustManager(certs.ca()).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(client.newHandler(ch.alloc(), "localhost", server.port()));
              ch.pipeline().addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                  ctx.close(); // the handshake future holds the failure
                }
              });
            }
          })
          .connect("127.0.0.1", server.port()).sync().channel();
      Future<Channel> done = ch.pipeline().get(SslHandler.class).handshakeFuture();
      assertThat(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("handshake finished").isTrue();
      ch.close().sync();
      return done.cause();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void aChangedFileIsReloadedWhileAnOpenConnectionKeepsItsSession() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    start(TlsOptions.builder().pem(certs.chainFile(), certs.keyFile())
        .reloadCheckInterval(Duration.ofMillis(100)).build());
    BigInteger first = certs.server().getSerialNumber();
    try (RawHttpConnection old = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
      assertThat(get(old).status()).isEqualTo(200);
      BigInteger renewed = certs.renew().getSerialNumber();
      Await.until("a new connection gets the renewed certificate", WAIT, () -> {
        try (RawHttpConnection c = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
          return servedSerial(c).equals(renewed) && get(c).status() == 200;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(get(old).status()).as("the open connection still works").isEqualTo(200);
      assertThat(servedSerial(old)).isEqualTo(first);
    }
  }

  @Test
  void reloadCertificatesSwapsNowAndAFailedReloadKeepsTheOldCertificate() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    start(TlsOptions.builder().pem(certs.chainFile(), certs.keyFile()).reloadCheckInterval(Duration.ZERO).build());
    BigInteger first = certs.server().getSerialNumber();
    BigInteger renewed = certs.renew().getSerialNumber();
    try (RawHttpConnection c = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
      assertThat(servedSerial(c)).as("no periodic check").isEqualTo(first);
    }
    assertThat(server.reloadCertificates()).isTrue();
    try (RawHttpConnection c = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
      assertThat(servedSerial(c)).isEqualTo(renewed);
    }
    // a key that does not belong to the certificate: refused, the renewed certificate stays
    Path otherKey = TestCertificates.create(dir.resolve("other")).keyFile();
    Files.copy(otherKey, certs.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(server.reloadCertificates()).isFalse();
    Files.writeString(certs.chainFile(), "not a certificate");
    assertThat(server.reloadCertificates()).isFalse();
    try (RawHttpConnection c = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
      assertThat(servedSerial(c)).isEqualTo(renewed);
      assertThat(get(c).status()).isEqualTo(200);
    }
  }

  @Test
  void aKeyThatDoesNotMatchOrAPkcs1KeyIsRefusedAtStart() {
    TestCertificates certs = TestCertificates.create(dir);
    TestCertificates other = TestCertificates.create(dir.resolve("other"));
    assertThatThrownBy(() -> start(TlsOptions.pem(certs.chainFile(), other.keyFile())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");
    assertThatThrownBy(() -> start(TlsOptions.pem(certs.chainFile(), certs.chainFile())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PEM private key");
  }

  @Test
  void aPkcs12KeyStoreServes() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] password = "secret".toCharArray();
    ks.setKeyEntry("server", TlsContext.readPrivateKey(certs.keyFile()), password,
        TlsContext.readCertificates(certs.chainFile()).toArray(new X509Certificate[0]));
    Path file = dir.resolve("server.p12");
    try (var out = Files.newOutputStream(file)) {
      ks.store(out, password);
    }
    start(TlsOptions.builder().keyStore(file, password).build());
    try (RawHttpConnection c = RawHttpConnection.openTls(server.port(), certs.clientContext())) {
      assertThat(servedSerial(c)).isEqualTo(certs.server().getSerialNumber());
      assertThat(get(c).status()).isEqualTo(200);
    }
  }

  @Test
  void theRedirectListenerSendsPlainHttpToHttps() {
    TestCertificates certs = TestCertificates.create(dir);
    start(TlsOptions.builder().pem(certs.chainFile(), certs.keyFile()).httpRedirectPort(0).build());
    int https = server.port();
    int http = server.redirectPort();
    assertThat(http).isPositive().isNotEqualTo(https);
    try (RawHttpConnection c = RawHttpConnection.open(http)) {
      c.send("GET /chat/?room=a%20b HTTP/1.1\r\nHost: localhost:" + http + "\r\n\r\n");
      Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(301);
      assertThat(r.header("location")).isEqualTo("https://localhost:" + https + "/chat/?room=a%20b");
      assertThat(c.awaitClosed(WAIT)).isTrue();
    }
    try (RawHttpConnection c = RawHttpConnection.open(http)) {
      c.send("POST /api/x HTTP/1.1\r\nHost: [::1]\r\nContent-Length: 2\r\n\r\nhi");
      Response r = c.readResponse();
      assertThat(r.status()).isEqualTo(308);
      assertThat(r.header("location")).isEqualTo("https://[::1]:" + https + "/api/x");
    }
    for (String host : new String[] {"evil.com/x", "a b", "", "example.com:80@evil"}) {
      try (RawHttpConnection c = RawHttpConnection.open(http)) {
        c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        Response r = c.readResponse();
        assertThat(r.status()).as("Host: " + host).isEqualTo(400);
        assertThat(r.header("location")).isNull();
      }
    }
    try (RawHttpConnection c = RawHttpConnection.open(http)) {
      c.send("GET / HTTP/1.0\r\n\r\n");
      assertThat(c.readResponse().status()).as("no Host").isEqualTo(400);
    }
  }
}
