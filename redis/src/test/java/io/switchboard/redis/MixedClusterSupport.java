package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.Args;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.cluster.ClusterClient;
import io.switchboard.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Java servers and one Node socket.io server with {@code @socket.io/redis-adapter} on one Redis, clients on all
 * three: every cross-server operation in both directions.
 */
abstract class MixedClusterSupport {
  static final Duration WAIT = Duration.ofSeconds(20);

  JavaNode java0;
  JavaNode java1;
  NodeRedisServer node;
  String key;

  /** "classic" or "sharded". */
  abstract String mode();

  abstract RedisAdapterOptions options(String key);

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  @org.junit.jupiter.api.BeforeEach
  void redisServesThisMode() {
    RedisTests.requireMode(options("probe").mode(), RedisTests.URI);
  }

  @BeforeEach
  void start() {
    key = RedisTests.uniqueKey("mixed-" + mode());
    java0 = JavaNode.start("java0", options(key));
    java1 = JavaNode.start("java1", options(key));
    node = NodeRedisServer.start(key, mode());
    Await.until("three servers", WAIT, () -> java0.serverCount() == 3 && java1.serverCount() == 3
        && node.call(NodeRedisServer.op("serverCount")).asInt() == 3);
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
    if (java1 != null) {
      java1.close();
    }
    if (java0 != null) {
      java0.close();
    }
  }

  ClusterClient nodeClient(String name, String rooms) {
    return ClusterClient.connect(node.url(), name, rooms, WAIT);
  }

  static ObjectNode emit(String event, List<String> rooms, List<String> except, Object... args) {
    ObjectNode c = NodeRedisServer.op("emit").put("event", event);
    rooms.forEach(c.putArray("rooms")::add);
    except.forEach(c.putArray("except")::add);
    var a = c.putArray("args");
    for (Object o : args) {
      a.addPOJO(o);
    }
    return c;
  }

  /** Sync markers from all three servers; each client's events before them, as "event:arg0". */
  Map<String, List<String>> drain(ClusterClient... of) {
    String token = UUID.randomUUID().toString();
    java0.io.emit("sync", token);
    java1.io.emit("sync", token);
    node.call(emit("sync", List.of(), List.of(), token));
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ClusterClient c : of) {
      List<ClusterClient.Event> got = c.until(list -> list.stream()
          .filter(e -> e.name().equals("sync") && token.equals(e.args().get(0))).count() == 3, WAIT);
      out.put(c.name(), got.stream().filter(e -> !e.name().equals("sync"))
          .map(e -> e.name() + ":" + (e.args().isEmpty() ? "" : ClusterClient.text(e.args().get(0))))
          .collect(Collectors.toList()));
    }
    return out;
  }

  @Test
  void broadcastsWithRoomsAndExceptGoBothWays() {
    ClusterClient a = java0.client("a", "r");
    ClusterClient b = java1.client("b", "r,x");
    ClusterClient n = nodeClient("n", "r");
    ClusterClient m = nodeClient("m", "");
    try (n; m) {
      java0.io.to("r").except("x").emit("fromJava", 1);
      node.call(emit("fromNode", List.of("r"), List.of("x"), 2));
      node.call(emit("single", List.of("x"), List.of(), 3));
      java1.io.except("r").emit("outside", 4);
      node.call(emit("bin", List.of(), List.of(), "b").put("binary", "3q2+7w=="));
      java1.io.to("r").emit("jbin", (Object) new byte[] {1, 2, 3});
      assertThat(m.emitWithAck(WAIT, "shout", "from-m")).isEqualTo("done");
      Map<String, List<String>> got = drain(a, b, n, m);
      assertThat(got.get("a")).containsExactlyInAnyOrder("fromJava:1", "fromNode:2", "bin:b", "jbin:bytes:010203",
          "shout:from-m");
      assertThat(got.get("b")).containsExactlyInAnyOrder("single:3", "bin:b", "jbin:bytes:010203",
          "shout:from-m");
      assertThat(got.get("n")).containsExactlyInAnyOrder("fromJava:1", "fromNode:2", "bin:b", "jbin:bytes:010203",
          "shout:from-m");
      assertThat(got.get("m")).containsExactlyInAnyOrder("outside:4", "bin:b");
    }
  }

  @Test
  void fetchSocketsSeesJavaAndNodeSockets() {
    ClusterClient a = java0.client("a", "r");
    ClusterClient b = java1.client("b", "r,x");
    ClusterClient n = nodeClient("n", "r");
    try (n) {
      List<RemoteSocket> fromJava = ClusterAdapterContractAccess.get(java0.io.in("r").fetchSockets());
      assertThat(fromJava).extracting(RemoteSocket::id).containsExactlyInAnyOrder(a.id(), b.id(), n.id());
      RemoteSocket remoteN = fromJava.stream().filter(s -> s.id().equals(n.id())).findFirst().orElseThrow();
      assertThat(String.valueOf(remoteN.data())).contains("\"server\":\"node\"");
      assertThat(remoteN.rooms()).contains("r", n.id());
      assertThat(remoteN.handshake().auth()).containsEntry("name", "n");

      JsonNode fromNode = node.call(NodeRedisServer.op("fetchSockets").set("rooms",
          NodeRedisServer.op("x").arrayNode().add("r")));
      List<String> ids = new ArrayList<>();
      fromNode.forEach(s -> ids.add(s.get("id").asText()));
      assertThat(ids).containsExactlyInAnyOrder(a.id(), b.id(), n.id());
      JsonNode nodeSeesB = null;
      for (JsonNode s : fromNode) {
        if (s.get("id").asText().equals(b.id())) {
          nodeSeesB = s;
        }
      }
      assertThat(nodeSeesB.get("data").get("server").asText()).isEqualTo("java1");
      assertThat(nodeSeesB.get("auth").get("name").asText()).isEqualTo("b");
      assertThat(nodeSeesB.get("rooms").toString()).contains("\"x\"");
    }
  }

  @Test
  void socketsJoinLeaveAndDisconnectGoBothWays() {
    ClusterClient a = java0.client("a", "r");
    ClusterClient b = java1.client("b", "r,x");
    ClusterClient n = nodeClient("n", "r");
    ClusterClient m = nodeClient("m", "x");
    try (n; m) {
      java1.io.in("r").socketsJoin("j");
      Await.until("node sees three in j", WAIT, () -> node.call(NodeRedisServer.op("fetchSockets")
          .set("rooms", NodeRedisServer.op("x").arrayNode().add("j"))).size() == 3);
      ObjectNode join = NodeRedisServer.op("socketsJoin");
      join.putArray("rooms").add("x");
      join.putArray("target").add("k");
      node.call(join);
      Await.until("java sees b and m in k", WAIT,
          () -> ClusterAdapterContractAccess.get(java0.io.in("k").fetchSockets()).size() == 2);
      Map<String, List<String>> got;
      java0.io.to("k").emit("kk", 1);
      got = drain(a, b, n, m);
      assertThat(got.get("b")).containsExactly("kk:1");
      assertThat(got.get("m")).containsExactly("kk:1");
      assertThat(got.get("a")).isEmpty();

      ObjectNode leave = NodeRedisServer.op("socketsLeave");
      leave.putArray("rooms").add("j");
      leave.putArray("except").add("x");
      leave.putArray("target").add("j");
      node.call(leave);
      Await.until("only b left in j", WAIT,
          () -> ClusterAdapterContractAccess.get(java1.io.in("j").fetchSockets()).size() == 1);

      java0.io.in("x").except("j").disconnectSockets(true);
      assertThat(m.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("$disconnect"), WAIT)).isNotEmpty();
      ObjectNode dc = NodeRedisServer.op("disconnectSockets").put("close", true);
      dc.putArray("rooms").add(a.id());
      node.call(dc);
      assertThat(a.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("$disconnect"), WAIT)).isNotEmpty();
      Await.until("b, n left", WAIT, () -> ClusterAdapterContractAccess.get(java1.io.fetchSockets()).size() == 2);
      assertThat(b.connected()).isTrue();
      assertThat(n.connected()).isTrue();
    }
  }

  @Test
  void serverSideEmitsWithAndWithoutAcksGoBothWays() throws Exception {
    List<Args> fromJava = ClusterAdapterContractAccess.get(
        java0.io.serverSideEmitWithAck(Duration.ofSeconds(10), "whoami", "q"));
    assertThat(fromJava).extracting(x -> x.string(0)).containsExactlyInAnyOrder("java1:q", "node:q");
    ObjectNode sse = NodeRedisServer.op("serverSideEmitWithAck").put("event", "whoami").put("timeout", 10000);
    sse.putArray("args").add("z");
    JsonNode fromNode = node.call(sse);
    List<String> answers = new ArrayList<>();
    fromNode.forEach(x -> answers.add(x.asText()));
    assertThat(answers).containsExactlyInAnyOrder("java0:z", "java1:z");

    java1.io.serverSideEmit("note", 5, "five");
    assertThat(java0.nextNote()).isEqualTo("[5, \"five\"]");
    assertThat(node.awaitServerSideEmit().get("args").toString()).isEqualTo("[5,\"five\"]");
    ObjectNode note = NodeRedisServer.op("serverSideEmit").put("event", "note");
    note.putArray("args").add(6);
    node.call(note);
    assertThat(java0.nextNote()).isEqualTo("[6]");
    assertThat(java1.nextNote()).isEqualTo("[6]");
  }

  @Test
  void broadcastAcksComeBackFromEveryServer() {
    java0.client("a", "r");
    java1.client("b", "");
    ClusterClient n = nodeClient("n", "r");
    try (n) {
      List<Args> all = ClusterAdapterContractAccess.get(java1.io.timeout(Duration.ofSeconds(10)).emitWithAck("question"));
      assertThat(all).extracting(x -> x.string(0)).containsExactlyInAnyOrder("answer-a", "answer-b", "answer-n");
      ObjectNode ask = NodeRedisServer.op("emitWithAck").put("event", "question").put("timeout", 10000);
      ask.putArray("rooms").add("r");
      JsonNode fromNode = node.call(ask);
      List<String> answers = new ArrayList<>();
      fromNode.forEach(x -> answers.add(x.asText()));
      assertThat(answers).containsExactlyInAnyOrder("answer-a", "answer-n");
    }
  }

  @Test
  void namespacesStaySeparate() {
    ClusterClient a = ClusterClient.connect(java0.url() + "/chat", "a", "r", WAIT);
    ClusterClient n = ClusterClient.connect(node.url() + "/chat", "n", "r", WAIT);
    ClusterClient m = nodeClient("m", "r");
    ClusterClient b = java1.client("b", "r");
    try (a; n; m) {
      java0.io.of("/chat").to("r").emit("inChat", 1);
      node.call(emit("inChatFromNode", List.of("r"), List.of(), 2).put("nsp", "/chat"));
      java1.io.to("r").emit("inMain", 3);
      assertThat(a.until(l -> l.size() == 2, WAIT)).extracting(ClusterClient.Event::name)
          .containsExactlyInAnyOrder("inChat", "inChatFromNode");
      assertThat(n.until(l -> l.size() == 2, WAIT)).extracting(ClusterClient.Event::name)
          .containsExactlyInAnyOrder("inChat", "inChatFromNode");
      Map<String, List<String>> main = drain(m, b);
      assertThat(main.get("m")).containsExactly("inMain:3");
      assertThat(main.get("b")).containsExactly("inMain:3");
      List<RemoteSocket> chat = ClusterAdapterContractAccess.get(java1.io.of("/chat").fetchSockets());
      assertThat(chat).extracting(RemoteSocket::id).containsExactlyInAnyOrder(a.id(), n.id());
    }
  }
}
