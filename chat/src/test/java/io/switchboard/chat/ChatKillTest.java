package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ClasspathJar;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.ServerProcess;
import io.switchboard.testkit.TestPostgres;
import io.switchboard.testkit.TcpBalancer;
import io.switchboard.testkit.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebDriver;

/**
 * Two chat nodes on the Redis Streams adapter: node A is a real process killed with {@code kill -9} while bob, on
 * node B, keeps writing to #general (as fast as the chat's flood limit lets him). Alice's web page, in headless
 * Chromium behind a TCP balancer, was on A; it reconnects through the balancer to B and is recovered: the page stays
 * loaded, still in #general, with every message once and in order. And a session comes back only with a token of its
 * own user.
 */
class ChatKillTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SECRET = "kill-test-secret-kill-test-secret-0";

  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  @TempDir
  Path profiles;

  private TestPostgres.Schema schema;
  private String key;
  private ServerProcess a;
  private ChatApp b;

  @BeforeEach
  void start() {
    schema = TestPostgres.freshSchema();
    key = "chat-kill-" + UUID.randomUUID().toString().substring(0, 8);
    a = ServerProcess.builder(ClasspathJar.forMain(Main.class))
        .jvmArgs("-Xmx256m")
        .args("--host", "127.0.0.1", "--port", "0", "--data-dir", dirA.toString(), "--database-url", schema.jdbcUrl(),
            "--redis", TestRedis.uri(), "--redis-key", key, "--jwt-secret", SECRET)
        .start();
    b = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dirB).databaseUrl(schema.jdbcUrl())
        .redisUrl(TestRedis.uri()).redisKey(key).jwtSecret(SECRET).build());
  }

  @AfterEach
  void stop() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  private static NodeScript client(String url, String name, String token) {
    return NodeScript.start("recovery-client.mjs", "--url", url, "--name", name, "--token", token);
  }

  private static JsonNode call(NodeScript c, ObjectNode command, int id) {
    command.put("id", id);
    c.send(command);
    JsonNode e = c.await(x -> x.path("id").asInt(-1) == id
        && (x.path("event").asText().equals("result") || x.path("event").asText().equals("error")), WAIT);
    assertThat(e.path("event").asText()).as(e.toString()).isEqualTo("result");
    return e.get("value");
  }

  private static ObjectNode emit(String event, Object arg) {
    ObjectNode c = NodeScript.command().put("op", "emit").put("event", event).put("ack", true);
    c.putArray("args").addPOJO(arg);
    return c;
  }

  private static void until(String what, BooleanSupplier condition) {
    Await.until(what, WAIT, condition);
  }

  /** Bob writes m1, m2, … to #general, as fast as the flood limit lets him, until {@code go} turns false. */
  private static CompletableFuture<Void> writer(NodeScript bob, AtomicBoolean go, AtomicInteger sent) {
    return CompletableFuture.runAsync(() -> {
      int id = 100;
      while (go.get()) {
        int n = sent.get() + 1;
        JsonNode ack = call(bob, emit("room:message", Map.of("room", "general", "text", "m" + n)), ++id);
        assertThat(ack.path("ok").asBoolean()).as(ack.toString()).isTrue();
        sent.set(n);
        try {
          Thread.sleep(110); // the chat lets a user send 10 messages a second
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  @Test
  void aPageOnAKilledNodeRecoversIntoItsRoomWithEveryMessageOnceWithoutAReload() throws Exception {
    String urlB = "http://127.0.0.1:" + b.port();
    try (TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.FIRST_AVAILABLE, a.port(), b.port());
        Browsers browsers = new Browsers(profiles)) {
      WebDriver alice = browsers.open("alice");
      Browsers.signIn(alice, "http://127.0.0.1:" + lb.port() + "/", "alice"); // through the balancer: on node A
      Browsers.js(alice, "window.__loadedOnce = 'yes';");
      String bob = b.service().login("bob", "secret1").join();
      try (NodeScript onB = client(urlB, "bob", bob)) {
        onB.await(NodeScript.event("connect"), WAIT);
        assertThat(call(onB, emit("room:join", "general"), 1).path("ok").asBoolean()).isTrue();
        AtomicBoolean go = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> writing = writer(onB, go, sent);
        Browsers.waitFor(alice, d -> Browsers.texts(d).size() >= 20);
        assertThat(alice.findElement(org.openqa.selenium.By.id("status")).getAttribute("data-recovered"))
            .isEqualTo("false");
        a.kill();
        int atKill = sent.get();
        until("30 more messages", () -> sent.get() > atKill + 30);
        go.set(false);
        writing.get();
        int total = sent.get();
        Browsers.waitFor(alice, d -> Browsers.texts(d).contains("m" + total));
        Thread.sleep(300); // a late duplicate would show now
        List<String> expected = IntStream.rangeClosed(1, total).mapToObj(i -> "m" + i).toList();
        System.out.println("chat SIGKILL, page: " + total + " messages sent (" + atKill + " before the kill), the page"
            + " shows " + Browsers.texts(alice).size());
        assertThat(Browsers.texts(alice)).containsExactlyElementsOf(expected);
        assertThat(Browsers.state(alice)).isEqualTo("connected");
        assertThat(alice.findElement(org.openqa.selenium.By.id("status")).getAttribute("data-recovered"))
            .as("the page's socket was recovered on node B").isEqualTo("true");
        assertThat(Browsers.js(alice, "return window.__loadedOnce;")).as("no reload").isEqualTo("yes");
        assertThat(lb.refusedAttempts()).as("the page's reconnection went past the dead node").isPositive();
        Browsers.screenshot(alice, "chat-after-sigkill.png");
      }
    }
  }

  @Test
  void aSessionComesBackOnlyWithATokenOfItsUser() throws Exception {
    String urlA = "http://127.0.0.1:" + a.port();
    String urlB = "http://127.0.0.1:" + b.port();
    String alice = b.service().login("alice", "secret1").join();
    String mallory = b.service().login("mallory", "secret1").join();
    try (NodeScript onA = client(urlA, "alice", alice)) {
      onA.await(NodeScript.event("connect"), WAIT);
      assertThat(call(onA, emit("room:join", "general"), 1).path("ok").asBoolean()).isTrue();
      JsonNode state = call(onA, NodeScript.command().put("op", "state"), 2);
      String pid = state.get("pid").asText();
      // mallory presents alice's session (pid and offset) with her own valid token, on node B
      try (NodeScript thief = NodeScript.start("recovery-client.mjs", "--url", urlB, "--name", "mallory", "--token",
          mallory, "--pid", pid, "--offset", state.path("offset").asText(""))) {
        JsonNode refused = thief.await(x -> x.path("event").asText().equals("connect_error"), WAIT);
        assertThat(refused.get("message").asText()).isEqualTo("Authentication failed");
      }
    }
  }
}
