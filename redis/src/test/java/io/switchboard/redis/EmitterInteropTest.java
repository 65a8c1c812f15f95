package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.cluster.ClusterClient;
import io.switchboard.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Node emitter reaching Java servers, and the Java emitter reaching Node and Java servers. */
class EmitterInteropTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  /** The events each client got before the sync marker {@code sync} sends (once per client), as "event:arg0". */
  static List<String> before(ClusterClient c, String token) {
    return named(c.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("sync")
        && token.equals(l.get(l.size() - 1).args().get(0)), WAIT).stream()
        .filter(e -> !e.name().equals("sync")).toList());
  }

  static List<String> named(List<ClusterClient.Event> events) {
    return events.stream()
        .map(e -> e.name() + ":" + (e.args().isEmpty() ? "" : ClusterClient.text(e.args().get(0))))
        .collect(Collectors.toList());
  }

  static ObjectNode targeted(String op, List<String> rooms, List<String> except) {
    ObjectNode c = NodeEmitter.op(op);
    rooms.forEach(c.putArray("rooms")::add);
    except.forEach(c.putArray("except")::add);
    return c;
  }

  @Test
  void nodeEmitterReachesJavaServers() throws Exception {
    String key = RedisTests.uniqueKey("node-emitter");
    RedisAdapterOptions opts = RedisAdapterOptions.builder().key(key).build();
    try (JavaNode j0 = JavaNode.start("java0", opts); JavaNode j1 = JavaNode.start("java1", opts);
        NodeEmitter emitter = NodeEmitter.start(key); NodeEmitter jsonEmitter = NodeEmitter.start(key, "--parser", "json")) {
      Await.until("two servers", WAIT, () -> j0.serverCount() == 2);
      ClusterClient a = j0.client("a", "r");
      ClusterClient b = j1.client("b", "r,x");
      ClusterClient c = j1.client("c", "");

      ObjectNode news = targeted("emit", List.of("r"), List.of("x")).put("event", "news");
      news.putArray("args").add(1);
      emitter.run(news);
      ObjectNode bin = targeted("emit", List.of(), List.of()).put("event", "bin").put("binary", "AQID");
      bin.putArray("args").add("b");
      emitter.run(bin);
      ObjectNode single = targeted("emit", List.of("x"), List.of()).put("event", "single");
      single.putArray("args").add(3);
      emitter.run(single);
      ObjectNode json = targeted("emit", List.of(), List.of()).put("event", "json");
      json.putArray("args").add("j");
      jsonEmitter.run(json);
      ObjectNode join = targeted("socketsJoin", List.of("r"), List.of("x"));
      join.putArray("target").add("k");
      emitter.run(join);
      ObjectNode inK = targeted("emit", List.of("k"), List.of()).put("event", "kk");
      inK.putArray("args").add(4);
      emitter.run(inK);
      String token = UUID.randomUUID().toString();
      ObjectNode sync = targeted("emit", List.of(), List.of()).put("event", "sync");
      sync.putArray("args").add(token);
      emitter.run(sync);
      assertThat(before(a, token)).containsExactly("news:1", "bin:b", "json:j", "kk:4");
      assertThat(before(b, token)).containsExactly("bin:b", "single:3", "json:j");
      assertThat(before(c, token)).containsExactly("bin:b", "json:j");

      ObjectNode leave = targeted("socketsLeave", List.of("k"), List.of());
      leave.putArray("target").add("r");
      emitter.run(leave);
      Await.until("a left r", WAIT,
          () -> ClusterAdapterContractAccess.get(j1.io.in("r").fetchSockets()).size() == 1);

      ObjectNode note = NodeEmitter.op("serverSideEmit").put("event", "note");
      note.putArray("args").add("hello");
      emitter.run(note);
      assertThat(j0.nextNote()).isEqualTo("[\"hello\"]");
      assertThat(j1.nextNote()).isEqualTo("[\"hello\"]");

      emitter.run(targeted("disconnectSockets", List.of("x"), List.of()).put("close", true));
      assertThat(b.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("$disconnect"), WAIT)).isNotEmpty();
      assertThat(a.connected()).isTrue();
      assertThat(c.connected()).isTrue();
    }
  }

  @Test
  void javaEmitterReachesNodeAndJavaServers() throws Exception {
    String key = RedisTests.uniqueKey("java-emitter");
    RedisAdapterOptions opts = RedisAdapterOptions.builder().key(key).build();
    try (JavaNode j = JavaNode.start("java0", opts); NodeRedisServer node = NodeRedisServer.start(key, "classic");
        RedisEmitter emitter = RedisEmitter.create(RedisTests.URI, opts)) {
      Await.until("two servers", WAIT, () -> j.serverCount() == 2);
      ClusterClient a = j.client("a", "r,x");
      ClusterClient n = ClusterClient.connect(node.url(), "n", "r", WAIT);
      ClusterClient m = ClusterClient.connect(node.url(), "m", "", WAIT);
      try (n; m) {
        ClusterAdapterContractAccess.get(emitter.to("r").except("x").emit("news", Map.of("title", "t")));
        ClusterAdapterContractAccess.get(emitter.emit("bin", "b", new byte[] {(byte) 0xca, (byte) 0xfe}));
        ClusterAdapterContractAccess.get(emitter.to(m.id()).emit("private", 7));
        ClusterAdapterContractAccess.get(emitter.in("r").socketsJoin("j"));
        // a volatile packet is dropped by a server whose transport is still busy: send it once the others arrived
        List<String> early = named(n.until(l -> l.stream().anyMatch(e -> e.name().equals("bin")), WAIT));
        List<String> earlyA = named(a.until(l -> l.stream().anyMatch(e -> e.name().equals("bin")), WAIT));
        List<String> earlyM = named(m.until(l -> l.stream().anyMatch(e -> e.name().equals("private")), WAIT));
        Await.until("a and n in room j", WAIT, () -> ClusterAdapterContractAccess.get(j.io.in("j").fetchSockets())
            .size() == 2);
        ClusterAdapterContractAccess.get(emitter.to("j").asVolatile().compress(false).emit("jj", 8));
        String token = UUID.randomUUID().toString();
        ClusterAdapterContractAccess.get(emitter.emit("sync", token));
        early.addAll(before(n, token));
        earlyA.addAll(before(a, token));
        earlyM.addAll(before(m, token));
        assertThat(early).containsExactly("news:{\"title\":\"t\"}", "bin:b", "jj:8");
        assertThat(earlyM).containsExactly("bin:b", "private:7");
        assertThat(earlyA).containsExactly("bin:b", "jj:8");

        JsonNode inJ = node.call(NodeRedisServer.op("fetchSockets").set("rooms",
            NodeRedisServer.op("x").arrayNode().add("j")));
        List<String> ids = new ArrayList<>();
        inJ.forEach(s -> ids.add(s.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder(a.id(), n.id());

        ClusterAdapterContractAccess.get(emitter.in("j").socketsLeave("j"));
        Await.until("j is empty", WAIT, () -> node.call(NodeRedisServer.op("fetchSockets").set("rooms",
            NodeRedisServer.op("x").arrayNode().add("j"))).isEmpty());

        ClusterAdapterContractAccess.get(emitter.serverSideEmit("note", 1, "one"));
        assertThat(node.awaitServerSideEmit().get("args").toString()).isEqualTo("[1,\"one\"]");
        assertThat(j.nextNote()).isEqualTo("[1, \"one\"]");

        ClusterAdapterContractAccess.get(emitter.in(m.id()).disconnectSockets(true));
        assertThat(m.until(l -> !l.isEmpty() && l.get(l.size() - 1).name().equals("$disconnect"), WAIT))
            .isNotEmpty();
        assertThat(n.connected()).isTrue();
      }
    }
  }

  @Test
  void jsonParserOnBothSides() {
    String key = RedisTests.uniqueKey("json");
    RedisAdapterOptions opts = RedisAdapterOptions.builder().key(key).parser(RedisParser.JSON).build();
    try (JavaNode j = JavaNode.start("java0", opts);
        NodeRedisServer node = NodeRedisServer.start(key, "classic", "--parser", "json");
        RedisEmitter emitter = RedisEmitter.create(RedisTests.URI, opts)) {
      Await.until("two servers", WAIT, () -> j.serverCount() == 2);
      ClusterClient a = j.client("a", "r");
      ClusterClient n = ClusterClient.connect(node.url(), "n", "r", WAIT);
      try (n) {
        j.io.to("r").emit("fromJava", 1);
        node.call(MixedClusterSupport.emit("fromNode", List.of("r"), List.of(), 2));
        ClusterAdapterContractAccess.get(emitter.to("r").emit("fromEmitter", 3));
        Consumer<ClusterClient> check = cl -> assertThat(cl.until(l -> l.size() == 3, WAIT).stream()
            .map(e -> e.name()).collect(Collectors.toList()))
            .containsExactlyInAnyOrder("fromJava", "fromNode", "fromEmitter");
        check.accept(a);
        check.accept(n);
        assertThat(ClusterAdapterContractAccess.get(j.io.in("r").fetchSockets())).hasSize(2);
      }
    }
  }
}
