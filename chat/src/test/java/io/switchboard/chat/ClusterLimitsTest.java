package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.chat.cluster.ChatRedis;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * With {@code --redis} the flood limit and typing are the cluster's, not each node's: alice in two tabs on two nodes
 * gets one limit, and the room sees her typing once. When Redis goes away each node falls back to its own state (and
 * says so once in its log), and takes up the shared state again when Redis is back; presence, cut in two while Redis
 * is away for longer than the node timeout, heals when it is back.
 */
class ClusterLimitsTest {
  private static final int LIMIT = 5;

  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  private TestRedis.Server redis;
  private ChatApp a;
  private ChatApp b;
  private ChatClients onA;
  private ChatClients onB;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void start() {
    log.start();
    ((Logger) LoggerFactory.getLogger(ChatRedis.class)).addAppender(log);
    redis = TestRedis.startProcess();
    ChatConfig.Builder common = ChatConfig.builder().host("127.0.0.1").port(0)
        .redisUrl(redis.uri()).redisKey("limits-" + UUID.randomUUID())
        .jwtSecret("cluster-limits-secret-0123456789abcdef").floodLimit(LIMIT)
        .timing(ChatTiming.DEFAULT.withTyping(Duration.ofSeconds(2), Duration.ofMillis(800))
            .withPresence(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ZERO));
    a = ChatApp.start(common.dataDir(dirA).build());
    b = ChatApp.start(common.dataDir(dirB).build());
    onA = ChatClients.start("http://127.0.0.1:" + a.port());
    onB = ChatClients.start("http://127.0.0.1:" + b.port());
    String alice = a.service().tokens().issue("alice");
    onA.connectWebSocket("alice@A", alice);
    onB.connectWebSocket("alice@B", alice);
    onA.connectWebSocket("bob@A", a.service().tokens().issue("bob"));
    for (ChatClients c : List.of(onA, onB)) {
      for (String id : c == onA ? List.of("alice@A", "bob@A") : List.of("alice@B")) {
        assertThat(c.request(id, "room:join", "general").path("ok").asBoolean()).isTrue();
      }
    }
  }

  @AfterEach
  void stop() {
    ((Logger) LoggerFactory.getLogger(ChatRedis.class)).detachAppender(log);
    for (AutoCloseable c : new AutoCloseable[] {onA, onB, a, b, redis}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing what is left
      }
    }
  }

  @Test
  void oneFloodLimitForAUsersTabsOnTwoNodesAndEachNodesOwnWithoutRedis() {
    assertThat(burst("one")).as("accepted of 4 + 4 with Redis").isEqualTo(LIMIT);

    redis.stop();
    await(() -> logged("is lost"));
    assertThat(burst("two")).as("accepted of 4 + 4, each node on its own").isEqualTo(8);

    redis.start();
    await(() -> logged("is back"));
    pause(1100); // Redis's window of the first burst is over
    assertThat(burst("three")).as("accepted of 4 + 4 with Redis back").isEqualTo(LIMIT);
  }

  @Test
  void aUserTypingOnTwoNodesIsTypingOnceAndStopsOnce() {
    onA.request("alice@A", "typing", Map.of("room", "general", "isTyping", true));
    onB.request("alice@B", "typing", Map.of("room", "general", "isTyping", true));
    onA.awaitEvent("bob@A", "user:typing", p -> !p.path("isTyping").asBoolean()); // expired, said once
    onB.request("alice@B", "typing", Map.of("room", "general", "isTyping", true)); // a marker: starts again
    onA.awaitCount("bob@A", "user:typing", 3, ChatClients.WAIT);
    onA.request("alice@A", "typing", Map.of("room", "general", "isTyping", false));
    onA.awaitCount("bob@A", "user:typing", 4, ChatClients.WAIT);
    assertThat(onA.seen("bob@A", "user:typing")).extracting(p -> p.path("isTyping").asBoolean())
        .containsExactly(true, false, true, false);
    assertThat(onA.seen("alice@A", "user:typing")).as("the typist's own tabs are not told").isEmpty();
    assertThat(onB.seen("alice@B", "user:typing")).isEmpty();
  }

  @Test
  void presenceSplitsWhileRedisIsAwayAndHealsWhenItIsBack() {
    await(() -> users(b).equals(List.of("alice", "bob")));
    redis.stop();
    // each node takes the other as dead after the node timeout: B keeps only its own users
    await(() -> users(b).equals(List.of("alice")));
    redis.start();
    await(() -> users(b).equals(List.of("alice", "bob")));
    await(() -> users(a).equals(List.of("alice", "bob")));
  }

  @SuppressWarnings("unchecked")
  private static List<String> users(ChatApp node) {
    return (List<String>) node.presence().online().get("users");
  }

  /** Alice sends 4 messages from each node at once; how many were accepted. */
  private int burst(String tag) {
    List<int[]> sent = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sent.add(new int[] {0, onA.emit("alice@A", "room:message", false, Map.of("room", "general", "text", tag + i))});
      sent.add(new int[] {1, onB.emit("alice@B", "room:message", false, Map.of("room", "general", "text", tag + i))});
    }
    int ok = 0;
    for (int[] s : sent) {
      JsonNode ack = s[0] == 0 ? onA.awaitAck("alice@A", s[1]) : onB.awaitAck("alice@B", s[1]);
      if (ack.path("ok").asBoolean()) {
        ok++;
      } else {
        assertThat(ack.path("error").asText()).isEqualTo("Too many messages: at most " + LIMIT + " a second");
      }
    }
    return ok;
  }

  private boolean logged(String text) {
    return log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  private static void pause(long millis) {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static void await(BooleanSupplier condition) {
    Await.until(ChatClients.WAIT, condition);
  }
}
