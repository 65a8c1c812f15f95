package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Presence costs O(N) events, not O(N²): storms of 250 and then 500 WebSocket clients (each a different user)
 * connect at once, and half of the 500 then leave at once; the presence events every client received are counted,
 * and every client must end with the exact list of who is online. Sending each change to every client would be
 * N(N-1)/2 events per storm (31,125 and 124,750); the old full list on every change, N(N+1)/2.
 */
class PresenceLoadTest {
  private static final Duration WAIT = Duration.ofSeconds(120);

  @TempDir
  Path dir;

  private ChatApp app;
  private ChatClients clients;

  @BeforeEach
  void start() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dir).build());
    clients = ChatClients.start("http://127.0.0.1:" + app.port());
  }

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close();
    }
    if (app != null) {
      app.close();
    }
  }

  @Test
  void presenceEventsGrowLinearlyWithTheClients() {
    int small = storm("s", 250);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      ids.add("s" + i);
    }
    ids.forEach(clients::close);
    await("everyone of the first storm gone", () -> app.presence().online().get("count").equals(0));

    int n = 500;
    int big = storm("b", n);
    // half of them leave at once: the others are told with few events each
    Set<String> stay = new TreeSet<>();
    Map<String, ChatClients.PresenceSeen> before = clients.presenceOfAll();
    for (int i = 0; i < n; i++) {
      if (i % 2 == 0) {
        clients.close("b" + i);
      } else {
        stay.add("user-b" + i);
      }
    }
    await("the remaining clients see only each other", () -> {
      Map<String, ChatClients.PresenceSeen> all = clients.presenceOfAll();
      return stay.stream().allMatch(u -> all.get(u.substring(5)).online().equals(stay));
    });
    Map<String, ChatClients.PresenceSeen> after = clients.presenceOfAll();
    int leaving = 0;
    for (String u : stay) {
      String id = u.substring(5);
      leaving += after.get(id).events() - before.get(id).events();
    }
    System.out.printf("PresenceLoadTest: presence events received: %d clients connecting: %d; %d connecting: %d; "
        + "%d leaving (seen by the %d others): %d%n", 250, small, n, big, n / 2, n / 2, leaving);
    assertThat(small).as("events for 250 connections").isLessThanOrEqualTo(20 * 250);
    assertThat(big).as("events for 500 connections").isLessThanOrEqualTo(20 * n);
    assertThat(leaving).as("events for 250 departures").isLessThanOrEqualTo(20 * n / 2);
  }

  /** Connects {@code n} users at once and returns the presence events they received until all see all. */
  private int storm(String prefix, int n) {
    Set<String> everyone = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      String user = "user-" + prefix + i;
      everyone.add(user);
      clients.open(prefix + i, app.service().tokens().issue(user), true, true);
    }
    await(n + " clients see all " + n, () -> {
      Map<String, ChatClients.PresenceSeen> all = clients.presenceOfAll();
      for (int i = 0; i < n; i++) {
        ChatClients.PresenceSeen seen = all.get(prefix + i);
        if (seen == null || !seen.online().equals(everyone)) {
          return false;
        }
      }
      return true;
    });
    assertThat(app.presence().online().get("count")).isEqualTo(n);
    Map<String, ChatClients.PresenceSeen> all = clients.presenceOfAll();
    int total = 0;
    for (int i = 0; i < n; i++) {
      total += all.get(prefix + i).events();
    }
    return total;
  }

  private static void await(String what, BooleanSupplier condition) {
    Await.until(what, WAIT, condition);
  }
}
