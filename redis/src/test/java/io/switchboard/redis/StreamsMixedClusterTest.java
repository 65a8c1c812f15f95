package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.Await;
import io.switchboard.server.ConnectionStateRecovery;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Two Java servers and a Node server (socket.io 4.8.4 on {@code @socket.io/redis-streams-adapter} 0.3.1) in one
 * streams cluster, all with connection state recovery: every cross-server operation both ways (the inherited tests),
 * and a client that leaves a Java server recovers on the Node one and the reverse.
 */
class StreamsMixedClusterTest extends MixedClusterSupport {
  static final ConnectionStateRecovery RECOVERY = new ConnectionStateRecovery(Duration.ofSeconds(30), true);
  static final String NOWHERE = "http://127.0.0.1:1";

  @Override
  String mode() {
    return "streams";
  }

  @Override
  JavaNode javaNode(String name, String key) {
    return JavaNode.streams(name, RedisTests.URI, StreamsRedisClusterTest.options(key), RECOVERY);
  }

  @Override
  String[] nodeArguments() {
    return new String[] {"--recovery", "30000"};
  }

  private void emitFromNode(String event, int n) {
    node.call(emit(event, List.of("r"), List.of(), n));
  }

  /**
   * A client of {@code from} gets events of a Java server ("n"), goes away, misses events of the Java server and of
   * the Node server ("m"), then comes back on {@code to}: recovered, same id, same rooms, every event once and in
   * order. Before it leaves only the Java server broadcasts: the reference delivers its own broadcasts when XADD
   * answers and the others when it reads them, so a client of a Node server can get entries out of stream order,
   * and an offset taken then can make a recovery repeat one (seen when the Node server broadcast too).
   */
  private void movesAndRecovers(String from, String to) {
    try (RecoveryClient c = RecoveryClient.start(from, "c", "r")) {
      JsonNode first = c.awaitConnect();
      c.until("joined", () -> !c.messages("joined").isEmpty(), WAIT);
      for (int i = 1; i <= 10; i++) {
        java1.io.to("r").emit("n", i);
      }
      c.until("the first ten", () -> c.numbers("n").size() == 10, WAIT);
      c.retarget(NOWHERE);
      c.drop();
      c.until("disconnected", () -> c.events().stream().anyMatch(e -> e.path("event").asText().equals("disconnect")),
          WAIT);
      Await.until("the session saved", java.time.Duration.ofSeconds(20), () -> ClusterAdapterContractAccess.get(java0.io.in(first.get("id")
          .asText()).fetchSockets()).isEmpty());
      for (int i = 11; i <= 30; i++) {
        java1.io.to("r").emit("n", i);
        emitFromNode("m", i - 10);
      }
      c.retarget(to);
      JsonNode second = c.awaitConnect();
      assertThat(second.get("recovered").asBoolean()).as("recovered").isTrue();
      assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
      c.until("the missed ones", () -> c.numbers("n").size() >= 30 && c.numbers("m").size() >= 20, WAIT);
      for (int i = 31; i <= 40; i++) {
        java0.io.to("r").emit("n", i); // its rooms came along
        emitFromNode("m", i - 10);
      }
      c.until("the last ones", () -> c.numbers("n").contains(40) && c.numbers("m").contains(30), WAIT);
      assertThat(c.numbers("n")).containsExactlyElementsOf(IntStream.rangeClosed(1, 40).boxed().toList());
      assertThat(c.numbers("m")).containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
    }
  }

  @Test
  void aClientOfAJavaServerRecoversOnTheNodeServer() {
    movesAndRecovers(java0.url(), node.url());
  }

  @Test
  void aClientOfTheNodeServerRecoversOnAJavaServer() {
    movesAndRecovers(node.url(), java0.url());
  }
}
