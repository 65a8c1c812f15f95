package io.switchboard.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The plain WebSocket endpoint over real sockets: echo, the close handshake both ways, refusals before the upgrade,
 * the close code of each bad input, the heartbeat, slow consumers and pre-encoded messages.
 */
class WebSocketEndpointTest {
  private static final Duration WAIT = WebSocketFixture.WAIT;
  private static final byte[] BAD_UTF8 = {(byte) 0xce, (byte) 0xba, (byte) 0xe1, (byte) 0xbd, (byte) 0xb9,
      (byte) 0xcf, (byte) 0x83, (byte) 0xce, (byte) 0xbc, (byte) 0xce, (byte) 0xb5, (byte) 0xed, (byte) 0xa0,
      (byte) 0x80, (byte) 0x65, (byte) 0x64, (byte) 0x69, (byte) 0x74, (byte) 0x65, (byte) 0x64}; // a surrogate

  private static WebSocketOptions.Builder options() {
    // a short close timeout: a raw test client never closes its side by itself
    return WebSocketOptions.builder().maxPayload(10_000).maxFragments(8).closeTimeout(Duration.ofMillis(500));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] closePayload(int code, byte[] reason) {
    byte[] p = new byte[2 + reason.length];
    p[0] = (byte) (code >>> 8);
    p[1] = (byte) code;
    System.arraycopy(reason, 0, p, 2, reason.length);
    return p;
  }

  /** Reads until the server closes TCP; fails if it does not within the socket timeout. */
  private static void assertTcpClosed(RawWebSocket ws) {
    assertThatThrownBy(() -> {
      while (true) {
        ws.readFrame();
      }
    }).hasMessageContaining("closed the connection");
  }

  @Test
  void echoesTextBinaryAndFragmentedMessagesAndTellsTheHandler() {
    try (WebSocketFixture f = WebSocketFixture.start(options().build()); RawWebSocket ws = f.connect()) {
      WebSocketConnection c = f.awaitOpen();
      assertThat(c.request().path()).isEqualTo("/ws");
      assertThat(c.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
      ws.sendText("hello");
      assertThat(ws.readFrame().text()).isEqualTo("hello");
      ws.sendFrame(true, RawWebSocket.BINARY, new byte[] {1, 2, 3}, true);
      RawWebSocket.Frame binary = ws.readFrame();
      assertThat(binary.opcode()).isEqualTo(RawWebSocket.BINARY);
      assertThat(binary.payload()).containsExactly(1, 2, 3);
      // "κόσμε" split inside a character, with a ping between the fragments
      byte[] kosme = utf8("κόσμε");
      ws.sendFrame(false, RawWebSocket.TEXT, Arrays.copyOfRange(kosme, 0, 3), true);
      ws.sendFrame(true, RawWebSocket.PING, utf8("p"), true);
      RawWebSocket.Frame pong = ws.readFrame();
      assertThat(pong.opcode()).isEqualTo(RawWebSocket.PONG);
      assertThat(pong.text()).isEqualTo("p");
      ws.sendFrame(true, RawWebSocket.CONTINUATION, Arrays.copyOfRange(kosme, 3, kosme.length), true);
      assertThat(ws.readFrame().text()).isEqualTo("κόσμε");
      assertThat(f.endpoint.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void aClientCloseIsAnsweredWithItsCodeThenTcpCloses() {
    try (WebSocketFixture f = WebSocketFixture.start(options().build()); RawWebSocket ws = f.connect()) {
      f.awaitOpen();
      ws.sendFrame(true, RawWebSocket.CLOSE, closePayload(4001, utf8("bye")), true);
      assertThat(ws.awaitCloseCode()).isEqualTo(4001);
      assertTcpClosed(ws);
      WebSocketFixture.Closed closed = f.awaitClose();
      assertThat(closed.code()).isEqualTo(4001);
      assertThat(closed.reason()).isEqualTo("bye");
      Await.until(WAIT, () -> f.endpoint.connectionCount() == 0);
    }
  }

  @Test
  void aCloseWithoutCodeIsAnsweredWithoutCode() {
    try (WebSocketFixture f = WebSocketFixture.start(options().build()); RawWebSocket ws = f.connect()) {
      f.awaitOpen();
      ws.sendFrame(true, RawWebSocket.CLOSE, new byte[0], true);
      RawWebSocket.Frame close = ws.readFrame();
      assertThat(close.opcode()).isEqualTo(RawWebSocket.CLOSE);
      assertThat(close.payload()).isEmpty();
      assertThat(f.awaitClose().code()).isEqualTo(CloseCodes.NO_STATUS);
    }
  }

  @Test
  void aServerCloseWaitsForTheClientsCloseFrame() {
    try (WebSocketFixture f = WebSocketFixture.start(options().closeTimeout(Duration.ofSeconds(30)).build());
        RawWebSocket ws = f.connect()) {
      WebSocketConnection c = f.awaitOpen();
      c.close(4000, "done");
      RawWebSocket.Frame close = ws.readFrame();
      assertThat(close.closeCode()).isEqualTo(4000);
      assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
          .isEqualTo("done");
      assertThat(c.isOpen()).isFalse();
      c.send("dropped: nothing follows a close frame");
      ws.sendFrame(true, RawWebSocket.CLOSE, closePayload(4000, new byte[0]), true);
      assertTcpClosed(ws); // well before the 30 s close timeout
      WebSocketFixture.Closed closed = f.awaitClose();
      assertThat(closed.code()).isEqualTo(4000);
      assertThat(closed.reason()).isEqualTo("done");
    }
  }

  @Test
  void aServerCloseEndsAfterTheCloseTimeoutWhenTheClientNeverAnswers() {
    try (WebSocketFixture f = WebSocketFixture.start(options().closeTimeout(Duration.ofMillis(300)).build());
        RawWebSocket ws = f.connect()) {
      f.awaitOpen().close(CloseCodes.NORMAL, "");
      assertThat(ws.readFrame().closeCode()).isEqualTo(1000);
      assertTcpClosed(ws);
      assertThat(f.awaitClose().code()).isEqualTo(1000);
    }
  }

  /** A bad input, the close code it must get, and the options it is sent under. */
  private void assertClosedWith(int code, java.util.function.Consumer<RawWebSocket> bad) {
    try (WebSocketFixture f = WebSocketFixture.start(options().build()); RawWebSocket ws = f.connect();
        RawWebSocket other = f.connect()) {
      f.awaitOpen();
      f.awaitOpen();
      bad.accept(ws);
      assertThat(ws.awaitCloseCode()).isEqualTo(code);
      assertTcpClosed(ws);
      assertThat(f.awaitClose().code()).isEqualTo(code);
      // the other connection is unharmed
      other.sendText("still here");
      assertThat(other.readFrame().text()).isEqualTo("still here");
      assertThat(f.endpoint.stats().closedForInput()).isEqualTo(1);
    }
  }

  @Test
  void invalidUtf8InATextMessageGets1007() {
    assertClosedWith(1007, ws -> ws.sendFrame(true, RawWebSocket.TEXT, BAD_UTF8, true));
  }

  @Test
  void invalidUtf8InAFragmentGets1007BeforeTheMessageEnds() {
    assertClosedWith(1007, ws -> {
      ws.sendFrame(false, RawWebSocket.TEXT, utf8("valid start "), true);
      ws.sendFrame(false, RawWebSocket.CONTINUATION, BAD_UTF8, true); // the message is never finished
    });
  }

  @Test
  void aTextMessageEndingInsideACharacterGets1007() {
    assertClosedWith(1007, ws -> {
      byte[] euro = utf8("€");
      ws.sendFrame(false, RawWebSocket.TEXT, Arrays.copyOfRange(euro, 0, 2), true);
      ws.sendFrame(true, RawWebSocket.CONTINUATION, new byte[0], true);
    });
  }

  @Test
  void aFrameAnnouncingMoreThanMaxPayloadGets1009() {
    assertClosedWith(1009, ws -> ws.sendRaw(RawWebSocket.maskedHeader(true, RawWebSocket.BINARY, 10_001)));
  }

  @Test
  void aMessageOverMaxPayloadAcrossFragmentsGets1009() {
    assertClosedWith(1009, ws -> {
      ws.sendFrame(false, RawWebSocket.BINARY, new byte[6_000], true);
      ws.sendFrame(true, RawWebSocket.CONTINUATION, new byte[6_000], true);
    });
  }

  @Test
  void tooManyFragmentsGet1008() {
    assertClosedWith(1008, ws -> {
      ws.sendFrame(false, RawWebSocket.TEXT, utf8("a"), true);
      for (int i = 0; i < 9; i++) {
        ws.sendFrame(false, RawWebSocket.CONTINUATION, utf8("a"), true);
      }
    });
  }

  @Test
  void anUnmaskedClientFrameGets1002() {
    assertClosedWith(1002, ws -> ws.sendFrame(true, RawWebSocket.TEXT, utf8("unmasked"), false));
  }

  @Test
  void reservedBitsGet1002() {
    assertClosedWith(1002, ws -> ws.sendFrame(true, 4, RawWebSocket.TEXT, utf8("rsv1"), true));
  }

  @Test
  void aReservedOpcodeGets1002() {
    assertClosedWith(1002, ws -> ws.sendFrame(true, 0x3, utf8("opcode 3"), true));
  }

  @Test
  void aFragmentedPingGets1002() {
    assertClosedWith(1002, ws -> ws.sendFrame(false, RawWebSocket.PING, utf8("p"), true));
  }

  @Test
  void aContinuationWithoutAMessageGets1002() {
    assertClosedWith(1002, ws -> ws.sendFrame(true, RawWebSocket.CONTINUATION, utf8("x"), true));
  }

  @Test
  void aCloseFrameWithAnInvalidCodeGets1002() {
    assertClosedWith(1002, ws -> ws.sendFrame(true, RawWebSocket.CLOSE, closePayload(1005, new byte[0]), true));
  }

  @Test
  void aCloseReasonThatIsNotUtf8Gets1007() {
    assertClosedWith(1007, ws -> ws.sendFrame(true, RawWebSocket.CLOSE, closePayload(1000, BAD_UTF8), true));
  }

  /** Sends an upgrade request with extra header lines and returns the status line and the body. */
  private static String[] upgrade(int port, String target, String... headerLines) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) WAIT.toMillis());
      StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: test\r\n"
          + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n");
      for (String h : headerLines) {
        req.append(h).append("\r\n");
      }
      OutputStream out = s.getOutputStream();
      out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          throw new AssertionError("closed before the end of the response head: " + head);
        }
        head.write(b);
      }
      String h = head.toString(StandardCharsets.ISO_8859_1);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(h);
      String body = m.find() ? new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.ISO_8859_1)
          : "";
      return new String[] {h.substring(0, h.indexOf("\r\n")), body};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theAuthenticatorRefusesBeforeTheUpgradeWith401Or403() {
    WebSocketAuthenticator auth = WebSocketAuthenticator.sync(req -> {
      String token = req.cookie("token");
      if (token == null) {
        return Admission.refuse(401);
      }
      return token.equals("alice-secret") ? Admission.accept("alice") : Admission.refuse(403, "bad token");
    });
    try (WebSocketFixture f = WebSocketFixture.start(options().authenticator(auth).build())) {
      assertThat(upgrade(f.port(), "/ws")[0]).isEqualTo("HTTP/1.1 401 Unauthorized");
      String[] forbidden = upgrade(f.port(), "/ws", "Cookie: a=b; token=mallory");
      assertThat(forbidden[0]).isEqualTo("HTTP/1.1 403 Forbidden");
      assertThat(forbidden[1]).isEqualTo("bad token");
      assertThat(f.opened).isEmpty();
      assertThat(f.endpoint.stats().refusedUpgrades()).isEqualTo(2);
      assertThat(upgrade(f.port(), "/ws", "Cookie: token=alice-secret")[0])
          .isEqualTo("HTTP/1.1 101 Switching Protocols");
      WebSocketConnection c = f.awaitOpen();
      String user = c.attachment();
      assertThat(user).isEqualTo("alice");
      assertThat(c.request().cookie("token")).isEqualTo("alice-secret");
    }
  }

  @Test
  void anAsynchronousAuthenticatorDecidesLaterAndATimeoutGets503() {
    WebSocketAuthenticator auth = req -> "slow".equals(req.queryParam("mode"))
        ? new CompletableFuture<>() // never decides
        : CompletableFuture.supplyAsync(() -> Admission.accept(req.queryParam("user")),
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
    try (WebSocketFixture f = WebSocketFixture.start(
        options().authenticator(auth).authTimeout(Duration.ofMillis(300)).build())) {
      assertThat(upgrade(f.port(), "/ws?user=bob")[0]).isEqualTo("HTTP/1.1 101 Switching Protocols");
      assertThat((String) f.awaitOpen().attachment()).isEqualTo("bob");
      assertThat(upgrade(f.port(), "/ws?mode=slow")[0]).isEqualTo("HTTP/1.1 503 Service Unavailable");
    }
  }

  @Test
  void anOriginOutsideTheListGets403AndAPlainGetGets426() {
    try (WebSocketFixture f = WebSocketFixture.start(
        options().allowedOrigins(Set.of("https://chat.example")).build())) {
      assertThat(upgrade(f.port(), "/ws", "Origin: https://evil.example")[0]).isEqualTo("HTTP/1.1 403 Forbidden");
      assertThat(upgrade(f.port(), "/ws", "Origin: https://chat.example")[0])
          .isEqualTo("HTTP/1.1 101 Switching Protocols");
      assertThat(upgrade(f.port(), "/ws", "Origin: https://chat.example\u0001")[0])
          .isEqualTo("HTTP/1.1 400 Bad Request");
      assertThat(upgrade(f.port(), "/other")[0]).isEqualTo("HTTP/1.1 404 Not Found"); // passed on
      try (Socket s = new Socket("127.0.0.1", f.port())) {
        s.getOutputStream().write("GET /ws HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        String status = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(status).startsWith("HTTP/1.1 426 Upgrade Required");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void aSilentClientIsPingedThenDroppedAndAnAnsweringOneStays() {
    // generous timeout: the answering client must never miss it, even on a loaded machine
    WebSocketOptions o = options().pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(1500)).build();
    try (WebSocketFixture f = WebSocketFixture.start(o); RawWebSocket silent = f.connect();
        RawWebSocket alive = f.connect()) {
      WebSocketConnection first = f.awaitOpen();
      f.awaitOpen();
      int pongs = 0;
      while (f.closed.isEmpty()) { // answer every ping of the live client until the silent one is dropped
        RawWebSocket.Frame ping = alive.readFrame();
        assertThat(ping.opcode()).isEqualTo(RawWebSocket.PING);
        alive.sendFrame(true, RawWebSocket.PONG, ping.payload(), true);
        pongs++;
      }
      assertThat(pongs).isGreaterThanOrEqualTo(2);
      assertThat(silent.readFrame().opcode()).isEqualTo(RawWebSocket.PING);
      assertTcpClosed(silent); // no close frame: the peer is gone as far as the server knows
      WebSocketFixture.Closed closed = f.awaitClose();
      assertThat(closed.connection()).isSameAs(first);
      assertThat(closed.code()).isEqualTo(CloseCodes.ABNORMAL);
      assertThat(closed.reason()).isEqualTo("ping timeout");
      assertThat(f.endpoint.stats().pingTimeouts()).isEqualTo(1);
      alive.sendText("still here");
      RawWebSocket.Frame echo = alive.readFrame();
      while (echo.opcode() == RawWebSocket.PING) {
        echo = alive.readFrame();
      }
      assertThat(echo.text()).isEqualTo("still here");
    }
  }

  @Test
  void aClientInTheMiddleOfALongFrameIsNotSilent() throws Exception {
    WebSocketOptions o = options().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(300)).build();
    try (WebSocketFixture f = WebSocketFixture.start(o); RawWebSocket ws = f.connect()) {
      f.awaitOpen();
      // one 30-byte frame trickled over about 1.5 s, three times the interval plus the timeout
      ws.sendRaw(RawWebSocket.maskedHeader(true, RawWebSocket.TEXT, 30));
      for (int i = 0; i < 15; i++) {
        Thread.sleep(100); // pacing the sender, not a wait for a result
        ws.sendRaw(utf8("ab"));
      }
      RawWebSocket.Frame echo = ws.readFrame();
      while (echo.opcode() == RawWebSocket.PING) {
        echo = ws.readFrame();
      }
      assertThat(echo.text()).isEqualTo("ab".repeat(15));
      assertThat(f.endpoint.stats().pingTimeouts()).isZero();
    }
  }

  @Test
  void aSlowConsumerIsClosedWith1008AndOthersAreServed() throws Exception {
    WebSocketOptions o = options().maxOutboundBytes(64 * 1024).closeTimeout(Duration.ofMillis(500)).build();
    try (WebSocketFixture f = WebSocketFixture.start(o); RawWebSocket slow = f.connect();
        RawWebSocket fast = f.connect()) {
      WebSocketConnection c = f.awaitOpen();
      f.awaitOpen();
      PreparedMessage chunk = PreparedMessage.binary(new byte[32 * 1024]);
      // the slow client reads nothing: the kernel's buffers fill, then the endpoint's queue, then it is closed
      long sent = 0;
      while (c.isOpen() && sent < 1L << 30) {
        c.send(chunk);
        sent += chunk.frameLength();
        if (!c.isWritable()) {
          Thread.sleep(1); // let the event loop flush what the socket takes
        }
      }
      WebSocketFixture.Closed closed = f.awaitClose();
      assertThat(closed.connection()).isSameAs(c);
      assertThat(closed.code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
      assertThat(closed.reason()).isEqualTo("slow consumer");
      assertThat(f.endpoint.stats().slowConsumers()).isEqualTo(1);
      fast.sendText("unharmed");
      assertThat(fast.readFrame().text()).isEqualTo("unharmed");
    }
  }

  @Test
  void aPreparedMessageIsEncodedOnceAndReachesEveryConnection() {
    try (WebSocketFixture f = WebSocketFixture.start(options().build()); RawWebSocket a = f.connect();
        RawWebSocket b = f.connect()) {
      f.awaitOpen();
      f.awaitOpen();
      String big = "x".repeat(70_000); // a 64-bit length
      PreparedMessage text = PreparedMessage.text("to all: ünïcödé");
      PreparedMessage large = PreparedMessage.text(big);
      PreparedMessage binary = PreparedMessage.binary(new byte[] {9, 8, 7});
      for (WebSocketConnection c : f.endpoint.connections()) {
        c.send(text);
        c.send(large);
        c.send(binary);
      }
      for (RawWebSocket ws : new RawWebSocket[] {a, b}) {
        assertThat(ws.readFrame().text()).isEqualTo("to all: ünïcödé");
        assertThat(ws.readFrame().text()).isEqualTo(big);
        assertThat(ws.readFrame().payload()).containsExactly(9, 8, 7);
      }
    }
  }

  @Test
  void closingTheEndpointSends1001AndRefusesNewUpgrades() {
    try (WebSocketFixture f = WebSocketFixture.start(options().build()); RawWebSocket ws = f.connect()) {
      f.awaitOpen();
      f.endpoint.close();
      assertThat(ws.awaitCloseCode()).isEqualTo(CloseCodes.GOING_AWAY);
      assertThat(upgrade(f.port(), "/ws")[0]).isEqualTo("HTTP/1.1 503 Service Unavailable");
    }
  }

  @Test
  void aHandlerThatThrowsClosesItsConnectionWith1011() {
    WebSocketEndpoint endpoint = new WebSocketEndpoint(options().build(), new WebSocketHandler() {
      @Override
      public void onText(WebSocketConnection c, String text) {
        throw new IllegalStateException("boom (expected by the test)");
      }
    });
    try (io.switchboard.engine.HttpServer http = io.switchboard.engine.HttpServer.start(
        new java.net.InetSocketAddress("127.0.0.1", 0), p -> p.addLast(endpoint.newHandler()));
        RawWebSocket ws = RawWebSocket.connect("127.0.0.1", http.port(), "/ws", WAIT)) {
      ws.sendText("hi");
      assertThat(ws.awaitCloseCode()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }
  }

  @Test
  void optionsRejectNonsense() {
    assertThatThrownBy(() -> WebSocketOptions.builder().path("ws").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebSocketOptions.builder().maxPayload(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebSocketOptions.builder().subprotocols(java.util.List.of("a,b")).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Admission.refuse(200)).isInstanceOf(IllegalArgumentException.class);
    WebSocketOptions o = WebSocketOptions.DEFAULT.toBuilder().maxPayload(5).build();
    assertThat(o.maxPayload()).isEqualTo(5);
    assertThat(o.pingInterval()).isEqualTo(WebSocketOptions.DEFAULT.pingInterval());
  }
}
