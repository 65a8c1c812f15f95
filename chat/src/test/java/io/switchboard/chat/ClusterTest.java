package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.TestPostgres;
import io.switchboard.testkit.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two chat servers on one Redis ({@link TestRedis}) and one PostgreSQL schema behave as one service: presence,
 * rooms, private messages with acknowledgements and receipts, and notifications cross from one node to the other.
 */
class ClusterTest {
  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  private TestPostgres.Schema schema;
  private ChatApp a;
  private ChatApp b;
  private ChatClients clients;
  private Stream<String> sse;

  @BeforeEach
  void start() throws Exception {
    schema = TestPostgres.freshSchema();
    String key = "chat-test-" + UUID.randomUUID();
    ChatConfig.Builder common = ChatConfig.builder().host("127.0.0.1").port(0)
        .databaseUrl(schema.jdbcUrl())
        .redisUrl(TestRedis.uri()).redisKey(key)
        .jwtSecret("cluster-test-secret-cluster-test-secret")
        .timing(ChatTiming.DEFAULT.withPresence(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(300),
            Duration.ZERO));
    a = ChatApp.start(common.dataDir(dirA).build());
    b = ChatApp.start(common.dataDir(dirB).build());
    clients = ChatClients.start("http://127.0.0.1:" + a.port());
  }

  @AfterEach
  void stop() throws Exception {
    if (sse != null) {
      sse.close();
    }
    if (clients != null) {
      clients.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (schema != null) {
      schema.close();
    }
  }

  @Test
  void twoNodesOnOneRedisActAsOneService() throws Exception {
    String aliceToken = a.service().login("alice", "secret1").join();
    String bobToken = b.service().login("bob", "secret1").join(); // registered through node B, same database
    String carolToken = a.service().login("carol", "secret1").join();
    clients.connect("alice@A", aliceToken);
    clients.connect("carol@A", carolToken);
    // bob's client talks to node B
    try (ChatClients onB = ChatClients.start("http://127.0.0.1:" + b.port())) {
      onB.connect("bob@B", bobToken);

      // presence counts users on both nodes, each once
      assertThat(clients.awaitOnline("alice@A", v -> v.size() == 3)).containsExactly("alice", "bob", "carol");
      assertThat(onB.awaitOnline("bob@B", v -> v.size() == 3)).containsExactly("alice", "bob", "carol");

      // a room spans the nodes: members, system messages and messages
      onB.request("bob@B", "room:join", "general");
      JsonNode join = clients.request("alice@A", "room:join", "general");
      assertThat(names(join.path("members"))).containsExactly("alice", "bob");
      onB.awaitEvent("bob@B", "system:message", p -> p.path("text").asText().equals("alice joined #general"));
      clients.request("alice@A", "room:message", Map.of("room", "general", "text", "hello from A"));
      JsonNode m = onB.awaitEvent("bob@B", "chat:message");
      assertThat(m.path("text").asText()).isEqualTo("hello from A");
      assertThat(m.path("from").asText()).isEqualTo("alice");

      // a private message acknowledged by a device on the other node, then read there
      JsonNode ack = clients.request("alice@A", "chat:private", Map.of("to", "bob", "text", "across"));
      assertThat(ack.path("delivered").asBoolean()).isTrue();
      long id = ack.path("id").asLong();
      onB.awaitEvent("bob@B", "chat:private", p -> p.path("id").asLong() == id);
      onB.request("bob@B", "chat:read", Map.of("id", id));
      clients.awaitEvent("alice@A", "chat:receipt", p -> p.path("status").asText().equals("read"));

      // a mention on node A reaches bob's socket and his event stream on node B
      BlockingQueue<String> lines = openStream(b, bobToken);
      clients.request("alice@A", "room:message", Map.of("room", "general", "text", "@bob see this"));
      JsonNode n = onB.awaitEvent("bob@B", "notification");
      assertThat(n.path("type").asText()).isEqualTo("mention");
      assertThat(poll(lines, "event: notification")).isTrue();
      assertThat(poll(lines, "data: {")).isTrue();

      // bob leaves: node A sees him go
      onB.disconnect("bob@B");
      assertThat(clients.awaitOnline("alice@A", v -> v.size() == 2)).containsExactly("alice", "carol");
      assertThat(a.presence().online().get("users")).isEqualTo(List.of("alice", "carol"));
    }
  }

  private BlockingQueue<String> openStream(ChatApp node, String token) throws Exception {
    HttpResponse<Stream<String>> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.port() + "/api/events?token=" + token)).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(res.statusCode()).isEqualTo(200);
    sse = res.body();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread t = new Thread(() -> {
      try {
        res.body().forEach(lines::add);
      } catch (RuntimeException closed) {
        // closed by the test
      }
    }, "sse-reader");
    t.setDaemon(true);
    t.start();
    assertThat(poll(lines, ": connected")).isTrue();
    return lines;
  }

  private static boolean poll(BlockingQueue<String> lines, String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + ChatClients.WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
