package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.ServerProcess;
import io.switchboard.testkit.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two chat jars on the local Redis ({@code --redis}); node B is killed with {@code kill -9} while three users are
 * connected to it. Within 10 s node A's {@code GET /api/online} lists only its own user, its client has been told
 * {@code user:left} for each of the three, and A logged that the node left.
 */
class ClusterPresenceIT {
  private static final String SECRET = "cluster-presence-secret-0123456789abcdef";
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  @Test
  void theUsersOfAKilledNodeLeaveTheOtherNodeWithinTenSeconds() throws Exception {
    String key = "chat-it-" + UUID.randomUUID();
    try (ServerProcess a = start(dirA, key);
         ServerProcess b = start(dirB, key)) {
      String urlA = ChatJar.url(a);
      String urlB = ChatJar.url(b);
      String alice = ChatJar.login(urlA, "alice");
      try (ChatClients onA = ChatClients.start(urlA);
           ChatClients onB = ChatClients.start(urlB)) {
        onA.connectWebSocket("alice", alice);
        for (String user : List.of("bob", "carol", "dave")) {
          onB.connectWebSocket(user, ChatJar.login(urlA, user)); // one secret: A's tokens are good on B
        }
        List<String> everyone = List.of("alice", "bob", "carol", "dave");
        assertThat(onA.awaitOnline("alice", v -> v.size() == 4)).containsExactlyElementsOf(everyone);
        awaitOnline(urlA, alice, everyone, ChatClients.WAIT);

        b.kill();
        long killed = System.nanoTime();
        awaitOnline(urlA, alice, List.of("alice"), DEADLINE); // within 10 s of the kill
        long apiMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        onA.awaitOnline("alice", v -> v.equals(new java.util.TreeSet<>(List.of("alice"))));
        long eventMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf("ClusterPresenceIT: after kill -9 of node B, A's /api/online dropped its 3 users in %d ms, "
            + "A's client had user:left for them after %d ms%n", apiMillis, eventMillis);
        assertThat(eventMillis).isLessThanOrEqualTo(DEADLINE.toMillis());
        assertThat(onA.seen("alice", "user:left")).extracting(p -> p.path("username").asText())
            .containsExactlyInAnyOrder("bob", "carol", "dave");
        assertThat(a.printed("left (no heartbeat")).as("A's log: %s", a.output()).isTrue();
      }
    }
  }

  private static ServerProcess start(Path data, String key) {
    return ChatJar.process(data, ChatJar.FAST_START)
        .args("--redis", TestRedis.uri(), "--redis-key", key, "--jwt-secret", SECRET)
        .start();
  }

  /** Waits until {@code GET /api/online} lists exactly {@code expected}. */
  private static void awaitOnline(String url, String token, List<String> expected, Duration timeout) {
    Await.until(() -> url + "api/online to be " + expected, timeout, () -> {
      try {
        return online(url, token).equals(expected);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static List<String> online(String url, String token) throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/online"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as("GET /api/online: %s", res.body()).isEqualTo(200);
    JsonNode body = ChatJson.MAPPER.readTree(res.body());
    List<String> users = new ArrayList<>();
    body.path("users").forEach(u -> users.add(u.asText()));
    assertThat(body.path("count").asInt()).isEqualTo(users.size());
    return users;
  }
}
