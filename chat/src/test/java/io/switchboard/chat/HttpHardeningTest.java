package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against the chat's HTTP side on a real server (ephemeral port, embedded database), over raw sockets:
 * malformed and oversized requests with requests pipelined behind them, event streams over their caps, made-up
 * {@code Last-Event-ID}s, and a reader that never reads.
 */
class HttpHardeningTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String HEALTH = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  private static final String POLLING = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n";

  @TempDir
  Path dataDir;

  private ChatApp app;
  private final List<RawHttp> open = new ArrayList<>();

  private ChatApp start(ChatConfig.Builder b) {
    app = ChatApp.start(b.host("127.0.0.1").port(0).dataDir(dataDir).sseHeartbeat(Duration.ofMillis(300)).build());
    return app;
  }

  @AfterEach
  void stop() throws IOException {
    for (RawHttp c : open) {
      c.close();
    }
    if (app != null) {
      app.close();
    }
  }

  // --- malformed and oversized requests ---

  @Test
  void aRequestTheDecoderFailedGets400AndClosesAndNothingPipelinedIsServed() throws Exception {
    start(ChatConfig.builder());
    String[] bad = {
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n",                    // control char in a value
        "GET /healthz HTTP/1.1\r\n\u0001Host: x\r\n\r\n",                                  // control char in a name
        "GET /api/rooms HTTP/1.1\r\nHost: x\r\nOrigin: http://a\u0001b\r\n\r\n",           // ... in the Origin
        "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", // space before the colon
        "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        "POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nX-Bad: \u0001\r\n\r\n",
    };
    for (String request : bad) {
      for (String pipelined : new String[] {HEALTH, POLLING}) {
        try (RawHttp c = RawHttp.connect(app.port(), 0)) {
          c.send(request + pipelined);
          RawHttp.Response res = c.readResponse();
          String what = request.replace("\r\n", "|");
          assertThat(res.status()).as(what).isEqualTo(400);
          assertThat(res.headers().get("connection")).as(what).isEqualToIgnoringCase("close");
          RawHttp.Rest rest = c.awaitEof(WAIT);
          assertThat(rest.closed()).as(what + " closes").isTrue();
          assertThat(rest.text()).as(what + ": nothing after the refusal").isEmpty();
        }
      }
    }
    assertAlive();
  }

  @Test
  void overlongLinesAndHeadersGetTheirStatusAndClose() throws Exception {
    start(ChatConfig.builder());
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("GET /healthz?" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n" + HEALTH);
      assertThat(c.readResponse().status()).isEqualTo(414);
      assertThat(c.awaitEof(WAIT)).satisfies(r -> assertThat(r.closed()).isTrue())
          .satisfies(r -> assertThat(r.text()).isEmpty());
    }
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("GET /api/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " + "9".repeat(100_000) + "\r\n\r\n" + HEALTH);
      assertThat(c.readResponse().status()).isEqualTo(431);
      assertThat(c.awaitEof(WAIT)).satisfies(r -> assertThat(r.closed()).isTrue())
          .satisfies(r -> assertThat(r.text()).isEmpty());
    }
    assertAlive();
  }

  @Test
  void aBodyOverTheLimitGets413AndCloses() throws Exception {
    start(ChatConfig.builder());
    // announced too large: refused before any body is read
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n");
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(413);
      assertThat(res.headers().get("connection")).isEqualToIgnoringCase("close");
      assertThat(json(res).get("error").asText()).isEqualTo("Request body too large");
      assertThat(c.awaitEof(WAIT).closed()).isTrue();
    }
    // chunked, growing past the limit, with a request pipelined behind it
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 9; i++) {
        body.append(Integer.toHexString(8192)).append("\r\n").append("x".repeat(8192)).append("\r\n");
      }
      c.send("POST /api/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body + "0\r\n\r\n" + HEALTH);
      assertThat(c.readResponse().status()).isEqualTo(413);
      RawHttp.Rest rest = c.awaitEof(WAIT);
      assertThat(rest.closed()).isTrue();
      assertThat(rest.text()).doesNotContain("HTTP/1.1 200");
    }
    // with Expect: 100-continue
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("POST /api/login HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10000000\r\n\r\n");
      assertThat(c.readResponse().status()).isEqualTo(413);
      assertThat(c.awaitEof(WAIT).closed()).isTrue();
    }
    assertAlive();
  }

  @Test
  void deeplyNestedJsonAndBadPathNamesAreRefusedClearly() throws Exception {
    start(ChatConfig.builder());
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      String deep = "{\"username\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
      c.send("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + deep.length() + "\r\n\r\n" + deep);
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(400);
      assertThat(json(res).get("error").asText()).isEqualTo("Body must be JSON");
    }
    String token = login("alice");
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("GET /api/private/%3Cscript%3E" + "a".repeat(100) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
          + "\r\n\r\n");
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(400);
      assertThat(json(res).get("error").asText()).startsWith("Invalid username");
      c.send("GET /api/notifications?limit=" + "7".repeat(500) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + token + "\r\n\r\n");
      RawHttp.Response bad = c.readResponse();
      assertThat(bad.status()).isEqualTo(400);
      assertThat(json(bad).get("error").asText()).hasSizeLessThan(40);
    }
  }

  @Test
  void longPasswordsAndNamesAreRefusedBeforeAnyHashing() throws Exception {
    start(ChatConfig.builder());
    RawHttp.Response longPassword = postLogin("alice", "p".repeat(50_000));
    assertThat(longPassword.status()).isEqualTo(400);
    assertThat(json(longPassword).get("error").asText()).isEqualTo("Password must be at most 72 bytes");
    // 72 characters but 144 bytes: bcrypt would read only half of it
    assertThat(json(postLogin("alice", "é".repeat(72))).get("error").asText())
        .isEqualTo("Password must be at most 72 bytes");
    RawHttp.Response longName = postLogin("a".repeat(10_000), "secret1");
    assertThat(longName.status()).isEqualTo(400);
    assertThat(json(longName).get("error").asText()).startsWith("Invalid username");
    assertThat(app.database().inTransaction((java.sql.Connection c) -> new UserStore().find(c, "alice"))).isEmpty();
    assertThat(postLogin("alice", "p".repeat(72)).status()).isEqualTo(200);
  }

  // --- Server-Sent Events ---

  @Test
  void aSixthStreamOfOneUserGets429() throws Exception {
    start(ChatConfig.builder());
    String bob = login("bob");
    for (int i = 0; i < 5; i++) {
      assertThat(openStream(bob, null).status()).isEqualTo(200);
    }
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send(streamRequest(bob, null));
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(429);
      assertThat(json(res).get("message").asText()).isEqualTo("Too many event streams for this user");
    }
    // another user is not affected, and a closed stream gives its place back
    assertThat(openStream(login("carol"), null).status()).isEqualTo(200);
    open.remove(0).close();
    assertThat(pollUntilOpens(bob)).isEqualTo(200);
  }

  @Test
  void streamsFromOneAddressAreCapped() throws Exception {
    start(ChatConfig.builder().sseStreamsPerIp(3));
    for (String user : List.of("u1", "u2", "u3")) {
      assertThat(openStream(login(user), null).status()).isEqualTo(200);
    }
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send(streamRequest(login("u4"), null));
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(429);
      assertThat(json(res).get("message").asText()).isEqualTo("Too many event streams from this address");
    }
  }

  @Test
  void aMadeUpLastEventIdStartsAFreshStreamThatStillGetsNotifications() throws Exception {
    start(ChatConfig.builder().sseStreamsPerUser(10));
    String bob = login("bob");
    login("alice");
    app.service().postMessage("general", "alice", "@bob before").join();
    long newest = app.service().notifications("bob", 1).join().get(0).id();
    String[] ids = {Long.toString(Long.MAX_VALUE), Long.toString(newest + 1), "99999999999999999999999", "-5", "abc",
        "12abc", "1e3", "9".repeat(4000)};
    List<RawHttp> streams = new ArrayList<>();
    for (String id : ids) {
      RawHttp.Response head = openStream(bob, id);
      assertThat(head.status()).as(id).isEqualTo(200);
      streams.add(open.get(open.size() - 1));
    }
    // each is a fresh stream: no backlog (the "before" mention is not replayed), then the new one arrives
    awaitMention(streams, "@bob after");
  }

  @Test
  void evilOriginsAreRefusedEvenWithTheTokenCookie() throws Exception {
    start(ChatConfig.builder());
    String bob = login("bob");
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + app.port() + "\r\nOrigin: http://evil.example\r\n"
          + "Cookie: token=" + bob + "\r\n\r\n");
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(403);
      assertThat(res.headers()).doesNotContainKey("access-control-allow-origin");
    }
  }

  @Test
  void socketIoHandshakesFromAnotherOriginAreRefusedWithCode4() throws Exception {
    start(ChatConfig.builder());
    String host = "127.0.0.1:" + app.port();
    String handshake = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: " + host + "\r\n";
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send(handshake + "Origin: http://evil.example\r\nCookie: token=" + login("bob") + "\r\n\r\n");
      RawHttp.Response res = c.readResponse();
      assertThat(res.status()).isEqualTo(403);
      assertThat(res.body()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
    }
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: http://evil.example\r\n\r\n");
      assertThat(c.readResponse().status()).isEqualTo(403);
    }
    for (String origin : new String[] {"Origin: http://" + host + "\r\n", ""}) { // the page's own, and none
      try (RawHttp c = RawHttp.connect(app.port(), 0)) {
        c.send(handshake + origin + "\r\n");
        RawHttp.Response res = c.readResponse();
        assertThat(res.status()).as(origin).isEqualTo(200);
        assertThat(res.body()).startsWith("0{\"sid\":");
      }
    }
  }

  @Test
  void anotherRequestOnAStreamsConnectionClosesIt() throws Exception {
    start(ChatConfig.builder());
    String bob = login("bob");
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send(streamRequest(bob, null));
      assertThat(c.readHead().status()).isEqualTo(200);
      c.send(HEALTH);
      RawHttp.Rest rest = c.awaitEof(WAIT);
      assertThat(rest.closed()).isTrue();
      assertThat(rest.text()).doesNotContain("HTTP/1.1");
    }
    assertThat(pollUntilOpens(bob)).isEqualTo(200);
  }

  @Test
  void aReaderThatNeverReadsIsDropped() throws Exception {
    start(ChatConfig.builder().sseMaxBuffer(64 * 1024).sseStreamsPerUser(1));
    String bob = login("bob");
    RawHttp slow = RawHttp.connect(app.port(), 4096);
    open.add(slow);
    slow.send(streamRequest(bob, null));
    assertThat(slow.readHead().status()).isEqualTo(200);
    // from now on the client reads nothing while 20 MB of notifications are pushed to it
    String body = "x".repeat(50_000);
    int count = 400;
    for (int i = 1; i <= count; i++) {
      app.service().bus().publish("bob", new Notification(i, Notification.MENTION, "t", body, "/", i));
    }
    long pushed = (long) count * body.length();
    // the stream's place comes back only when the server has closed it
    assertThat(pollUntilOpens(bob)).isEqualTo(200);
    RawHttp.Rest rest = slow.awaitEof(WAIT);
    assertThat(rest.closed()).isTrue();
    assertThat((long) rest.bytes().length).as("what reached the client before the drop").isLessThan(pushed / 2);
  }

  // --- helpers ---

  private void assertAlive() throws IOException {
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send(HEALTH);
      assertThat(c.readResponse().status()).isEqualTo(200);
    }
  }

  private String login(String user) throws IOException {
    RawHttp.Response res = postLogin(user, "secret1");
    assertThat(res.status()).as(res.body()).isEqualTo(200);
    return json(res).get("token").asText();
  }

  private RawHttp.Response postLogin(String user, String password) throws IOException {
    byte[] body = ChatJson.MAPPER.createObjectNode().put("username", user).put("password", password).toString()
        .getBytes(StandardCharsets.UTF_8);
    try (RawHttp c = RawHttp.connect(app.port(), 0)) {
      c.send(("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      c.send(body);
      return c.readResponse();
    }
  }

  private static String streamRequest(String token, String lastEventId) {
    return "GET /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n"
        + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
  }

  /** Opens a stream on a new connection kept in {@link #open}; returns the response head. */
  private RawHttp.Response openStream(String token, String lastEventId) throws IOException {
    RawHttp c = RawHttp.connect(app.port(), 0);
    open.add(c);
    c.send(streamRequest(token, lastEventId));
    RawHttp.Response head = c.readHead();
    if (head.status() == 200) {
      assertThat(readLineMatching(c, l -> l.equals(": connected"))).isNotNull();
    }
    return head;
  }

  /** Tries to open a stream until it is not refused with 429; returns the status (the connection is kept open). */
  private int pollUntilOpens(String token) throws Exception {
    return Await.value("a stream that is not refused with 429", WAIT, () -> {
      try (RawHttp c = RawHttp.connect(app.port(), 0)) {
        c.send(streamRequest(token, null));
        int status = c.readHead().status();
        return status == 429 ? null : status;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** Posts a mention of bob with {@code text} and waits until every stream has received it. */
  private void awaitMention(List<RawHttp> streams, String text) throws IOException {
    app.service().postMessage("general", "alice", text).join();
    for (RawHttp s : streams) {
      // past the fresh stream's "event: reset" (data: {"resumed":false})
      String data = readLineMatching(s, l -> l.startsWith("data: ") && !l.contains("\"resumed\""));
      assertThat(data).as("the stream gets " + text).isNotNull().contains(text);
    }
  }

  /** Reads lines (heartbeats and chunk sizes included) until one matches; null if the stream ends first. */
  private static String readLineMatching(RawHttp c, Predicate<String> p) throws IOException {
    String line;
    while ((line = c.readLine()) != null) {
      if (p.test(line)) {
        return line;
      }
    }
    return null;
  }

  private static JsonNode json(RawHttp.Response res) throws IOException {
    return ChatJson.MAPPER.readTree(res.body());
  }
}
