package io.switchboard.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.presence.Roster.Change;
import io.switchboard.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalPresenceTest {
  private static final Duration GRACE = Duration.ofMillis(200);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final List<Change> out = new CopyOnWriteArrayList<>();
  private final LocalPresence local = new LocalPresence(timer, GRACE, out::add);

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  @Test
  void onlyTheFirstAndTheLastConnectionOfAUserCount() {
    local.connected("alice");
    local.connected("alice");
    local.joined("alice", "general");
    local.joined("alice", "general");
    local.left("alice", "general");
    assertThat(out).containsExactly(Change.online("alice"), Change.join("alice", "general"));
    local.left("alice", "general"); // on purpose, the last one: at once
    assertThat(out).endsWith(Change.leave("alice", "general"));
  }

  @Test
  void aClosedConnectionCountsForTheGraceThenLeaves() {
    local.connected("alice");
    local.joined("alice", "general");
    out.clear();
    local.disconnected("alice", Set.of("general"));
    assertThat(out).isEmpty();
    assertThat(local.hasTabs("alice")).isFalse();
    await(() -> out.size() == 2);
    assertThat(out).containsExactly(Change.leave("alice", "general"), Change.offline("alice"));
  }

  @Test
  void comingBackWithinTheGraceChangesNothing() {
    local.connected("alice");
    local.joined("alice", "general");
    local.joined("alice", "random");
    out.clear();
    local.disconnected("alice", Set.of("general", "random"));
    local.connected("alice");
    local.joined("alice", "general");
    // a marker: bob's departure, later than alice's would have been
    local.connected("bob");
    local.disconnected("bob", Set.of());
    await(() -> out.contains(Change.offline("bob")));
    // alice came back but not to #random: only that is announced
    assertThat(out).containsExactly(Change.online("bob"), Change.leave("alice", "random"), Change.offline("bob"));
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    Await.until(Duration.ofSeconds(10), condition);
  }
}
