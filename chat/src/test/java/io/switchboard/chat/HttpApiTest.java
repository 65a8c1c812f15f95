package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP routes on a real server (ephemeral port, embedded database) with the JDK's HTTP client. */
class HttpApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;

  private ChatApp app;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
  private final List<Stream<String>> streams = new ArrayList<>();

  @BeforeEach
  void start() {
    app = ChatApp.start(config().build());
  }

  private ChatConfig.Builder config() {
    return ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir)
        .allowedOrigins(List.of("http://allowed.test")).sseHeartbeat(Duration.ofMillis(300));
  }

  @AfterEach
  void stop() {
    streams.forEach(Stream::close);
    if (app != null) {
      app.close();
    }
  }

  @Test
  void healthAndThePage() throws Exception {
    HttpResponse<String> health = get("/healthz", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json(health).get("status").asText()).isEqualTo("ok");
    HttpResponse<String> ready = get("/readyz", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(json(ready).get("status").asText()).isEqualTo("ready");
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("text/html"));
    assertThat(get("/nothing-here.html", null).statusCode()).isEqualTo(404);
    assertThat(get("/../pom.xml", null).statusCode()).isEqualTo(404);
  }

  @Test
  void firstLoginRegistersAndLaterLoginsCheckThePassword() throws Exception {
    HttpResponse<String> first = login("alice", "secret1");
    assertThat(first.statusCode()).isEqualTo(200);
    String token = json(first).get("token").asText();
    assertThat(app.service().tokens().verify(token)).get().extracting(TokenService.Claims::username).isEqualTo("alice");
    assertThat(login("alice", "secret1").statusCode()).isEqualTo(200);

    HttpResponse<String> wrong = login("alice", "nope-nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).get("error").asText()).isEqualTo("Invalid username or password");

    assertThat(json(login("bad name", "secret1")).get("error").asText()).startsWith("Invalid username");
    assertThat(login("bob", "x").statusCode()).isEqualTo(400);
    assertThat(post("/api/login", "not json", null).statusCode()).isEqualTo(400);
    assertThat(get("/api/login", null).statusCode()).isEqualTo(405);
    String stored = app.database().inTransaction((java.sql.Connection c) -> new UserStore().find(c, "alice")).orElseThrow().passwordHash();
    assertThat(stored).startsWith("$2a$10$").doesNotContain("secret1");
  }

  @Test
  void apiRoutesNeedAValidToken() throws Exception {
    assertThat(get("/api/rooms", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/rooms", "forged.token.value").statusCode()).isEqualTo(401);
    String token = token("alice");
    HttpResponse<String> rooms = get("/api/rooms", token);
    assertThat(rooms.statusCode()).isEqualTo(200);
    assertThat(json(rooms).get("rooms").findValuesAsText("name")).containsExactly("general", "random");
    HttpResponse<String> viaCookie = http.send(HttpRequest.newBuilder(uri("/api/rooms"))
        .header("Cookie", "token=" + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(viaCookie.statusCode()).isEqualTo(200);
    assertThat(get("/api/rooms?token=" + token, null).statusCode()).isEqualTo(200);
  }

  @Test
  void roomHistoryPagesWithBeforeAndLimit() throws Exception {
    String token = token("alice");
    List<ChatMessage> posted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      posted.add(app.service().postMessage("general", "alice", "message " + i).join());
    }
    JsonNode latest = json(get("/api/rooms/general/messages?limit=3", token)).get("messages");
    assertThat(latest.findValuesAsText("text")).containsExactly("message 4", "message 5", "message 6");
    assertThat(latest.get(0).get("from").asText()).isEqualTo("alice");
    assertThat(latest.get(0).get("room").asText()).isEqualTo("general");
    assertThat(latest.get(0).get("ts").asLong()).isPositive();
    JsonNode older = json(get("/api/rooms/general/messages?limit=3&before=" + posted.get(4).id(), token))
        .get("messages");
    assertThat(older.findValuesAsText("text")).containsExactly("message 1", "message 2", "message 3");
    assertThat(json(get("/api/rooms/general/messages", token)).get("messages")).hasSize(7);
    HttpResponse<String> badRoom = get("/api/rooms/Bad_Room/messages", token);
    assertThat(badRoom.statusCode()).isEqualTo(400);
    assertThat(json(badRoom).get("error").asText()).startsWith("Invalid room name");
    assertThat(get("/api/rooms/general/messages?before=abc", token).statusCode()).isEqualTo(400);
  }

  @Test
  void mentionsBecomeNotifications() throws Exception {
    String bob = token("bob");
    token("alice");
    app.service().postMessage("general", "alice", "hi @bob and @nobody and @alice").join();
    JsonNode list = json(get("/api/notifications", bob)).get("notifications");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("type").asText()).isEqualTo("mention");
    assertThat(list.get(0).get("title").asText()).isEqualTo("alice mentioned you in #general");
    assertThat(list.get(0).get("body").asText()).isEqualTo("hi @bob and @nobody and @alice");
    assertThat(list.get(0).get("link").asText()).isEqualTo("/#room/general");
    assertThat(list.get(0).get("createdAt").asLong()).isPositive();
    assertThat(json(get("/api/notifications", token("alice"))).get("notifications")).isEmpty();
  }

  @Test
  void eventStreamDeliversLiveNotificationsAndResumesWithoutGaps() throws Exception {
    String bob = token("bob");
    token("alice");
    BlockingQueue<String> first = openStream(bob, null);
    assertThat(poll(first, l -> l.equals(": connected"))).isNotNull();
    app.service().postMessage("general", "alice", "@bob one").join();
    List<String> event = readEvent(first);
    assertThat(event.get(0)).isEqualTo("event: notification");
    String firstId = event.get(1).substring("id: ".length()); // a recovery offset
    assertThat(event.get(2)).startsWith("data: {").contains("\"type\":\"mention\"").contains("@bob one");
    assertThat(poll(first, l -> l.equals(": heartbeat"))).isNotNull();

    // while no stream is open, two more notifications are stored
    app.service().postMessage("general", "alice", "@bob two").join();
    app.service().postMessage("general", "alice", "@bob three").join();
    BlockingQueue<String> resumed = openStream(bob, firstId);
    List<String> two = readEvent(resumed);
    List<String> three = readEvent(resumed);
    assertThat(two.get(2)).contains("@bob two");
    assertThat(three.get(2)).contains("@bob three");
    app.service().postMessage("general", "alice", "@bob four").join();
    assertThat(readEvent(resumed).get(2)).contains("@bob four");
    assertThat(List.of(firstId, two.get(1), three.get(1))).doesNotHaveDuplicates();
    assertThat(notificationId(three)).isGreaterThan(notificationId(two));
  }

  @Test
  void eventStreamNeedsATokenAndAnAllowedOrigin() throws Exception {
    assertThat(get("/api/events", null).statusCode()).isEqualTo(401);
    String token = token("alice");
    HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(uri("/api/events?token=" + token))
        .header("Origin", "http://evil.test").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(403);
    HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(uri("/api/rooms?token=" + token))
        .header("Origin", "http://allowed.test").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(allowed.statusCode()).isEqualTo(200);
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).contains("http://allowed.test");
    HttpResponse<String> same = http.send(HttpRequest.newBuilder(uri("/api/rooms?token=" + token))
        .header("Origin", "http://127.0.0.1:" + app.port()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(same.statusCode()).isEqualTo(200);
  }

  @Test
  void messagesUsersAndTheSecretSurviveARestart() throws Exception {
    String token = token("alice");
    app.service().postMessage("general", "alice", "before restart").join();
    app.close();
    app = ChatApp.start(config().build());
    JsonNode messages = json(get("/api/rooms/general/messages", token)).get("messages");
    assertThat(messages.findValuesAsText("text")).containsExactly("before restart");
    assertThat(login("alice", "secret1").statusCode()).isEqualTo(200);
    assertThat(login("alice", "other-password").statusCode()).isEqualTo(401);
  }

  @Test
  void aResumedStreamHasNoGapsWhileNotificationsKeepComing() throws Exception {
    String bob = token("bob");
    token("alice");
    BlockingQueue<String> before = openStream(bob, null);
    app.service().postMessage("general", "alice", "@bob zero").join();
    List<String> zero = readEvent(before);
    String lastEventId = zero.get(1).substring("id: ".length());
    long lastId = notificationId(zero);
    Thread writer = new Thread(() -> {
      for (int i = 1; i <= 30; i++) {
        app.service().postMessage("general", "alice", "@bob n" + i).join();
      }
    }, "mention-writer");
    writer.start();
    BlockingQueue<String> stream = openStream(bob, lastEventId); // opened while the writer is writing
    writer.join();
    List<Long> expected = app.service().notificationsAfter("bob", lastId, 100).join().stream()
        .map(Notification::id).toList();
    assertThat(expected).hasSize(30);
    List<Long> got = new ArrayList<>();
    while (got.size() < expected.size()) {
      List<String> event = readEvent(stream);
      got.add(notificationId(event));
    }
    assertThat(got).isEqualTo(expected);
  }

  // --- helpers ---

  /** The notification id in an event's data line. */
  private static long notificationId(List<String> event) throws Exception {
    return ChatJson.MAPPER.readTree(event.get(2).substring("data: ".length())).get("id").asLong();
  }

  private BlockingQueue<String> openStream(String token, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/events?token=" + token));
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> res = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
        .startsWith("text/event-stream"));
    streams.add(res.body());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try {
        res.body().forEach(lines::add);
      } catch (RuntimeException closed) {
        // the test closed the stream
      }
    }, "sse-reader");
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  private static String poll(BlockingQueue<String> lines, java.util.function.Predicate<String> p)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && p.test(line)) {
        return line;
      }
    }
    return null;
  }

  /** The three lines of the next {@code event: notification}. */
  private static List<String> readEvent(BlockingQueue<String> lines) throws InterruptedException {
    String head = poll(lines, l -> l.equals("event: notification"));
    assertThat(head).as("an event").isNotNull();
    return List.of(head, lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS), lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS));
  }

  private String token(String user) throws Exception {
    HttpResponse<String> res = login(user, "secret1");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    return json(res).get("token").asText();
  }

  private HttpResponse<String> login(String user, String password) throws Exception {
    return post("/api/login", ChatJson.MAPPER.createObjectNode().put("username", user).put("password", password)
        .toString(), null);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> res) throws IOException {
    return ChatJson.MAPPER.readTree(res.body());
  }
}
