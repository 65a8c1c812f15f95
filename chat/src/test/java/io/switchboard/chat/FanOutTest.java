package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ten users in one room each send a burst of ten messages at once: every message is stored and reaches all ten,
 * each sender's messages in the order sent. Prints the delivery latencies (server timestamp to client arrival).
 */
class FanOutTest {
  private static final int USERS = 10;
  private static final int PER_USER = 10;

  @TempDir
  Path dataDir;

  private ChatApp app;
  private ChatClients clients;

  @BeforeEach
  void start() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).build());
    clients = ChatClients.start("http://127.0.0.1:" + app.port());
  }

  @AfterEach
  void stop() {
    clients.close();
    app.close();
  }

  @Test
  void burstsFromTenUsersReachEveryoneInOrder() {
    for (int u = 0; u < USERS; u++) {
      clients.connect("u" + u, app.service().login("user" + u, "secret1").join());
      assertThat(clients.request("u" + u, "room:join", "fanout").path("ok").asBoolean()).isTrue();
    }
    long start = System.currentTimeMillis();
    List<int[]> seqs = new ArrayList<>();
    for (int k = 0; k < PER_USER; k++) {
      for (int u = 0; u < USERS; u++) {
        seqs.add(new int[] {u, clients.emit("u" + u, "room:message", false,
            Map.of("room", "fanout", "text", "user" + u + " #" + k))});
      }
    }
    for (int[] s : seqs) {
      assertThat(clients.awaitAck("u" + s[0], s[1]).path("ok").asBoolean()).isTrue();
    }
    int total = USERS * PER_USER;
    List<Long> latencies = new ArrayList<>();
    long last = 0;
    for (int u = 0; u < USERS; u++) {
      clients.awaitCount("u" + u, "chat:message", total, Duration.ofSeconds(60));
      Map<String, List<Integer>> bySender = new HashMap<>();
      List<Long> ids = new ArrayList<>();
      for (JsonNode ev : clients.seenRaw("u" + u, "chat:message")) {
        JsonNode m = ev.path("args").path(0);
        String text = m.path("text").asText();
        bySender.computeIfAbsent(m.path("from").asText(), x -> new ArrayList<>())
            .add(Integer.parseInt(text.substring(text.indexOf('#') + 1)));
        ids.add(m.path("id").asLong());
        latencies.add(ev.path("at").asLong() - m.path("ts").asLong());
        last = Math.max(last, ev.path("at").asLong());
      }
      assertThat(ids).hasSize(total).doesNotHaveDuplicates();
      assertThat(bySender).hasSize(USERS);
      bySender.values().forEach(ks -> assertThat(ks).isSorted().hasSize(PER_USER));
    }
    assertThat(app.service().history("fanout", null, 100).join()).hasSize(total);
    Collections.sort(latencies);
    System.out.printf("fan-out: %d messages x %d receivers = %d deliveries in %d ms; latency p50 %d ms, "
            + "p99 %d ms, max %d ms%n", total, USERS, latencies.size(), last - start,
        latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 99 / 100),
        latencies.get(latencies.size() - 1));
    assertThat(latencies.get(latencies.size() - 1)).isLessThan(30_000);
  }
}
