package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.server.BroadcastFlags;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterResponse;
import io.switchboard.server.parser.Packet;
import io.switchboard.testkit.NodeScript;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the Java streams adapter writes is byte for byte what {@code @socket.io/redis-streams-adapter} 0.3.1 writes for
 * the same call (stream entries, pub/sub requests and answers, msgpack numbers), and what the Node adapter wrote reads
 * back as the same message. The Node side runs {@code interop/scripts/streams-vectors.mjs} on the real Redis.
 */
class StreamsWireBytesTest {
  private static final JsonNodeFactory N = JsonNodeFactory.instance;
  private static final ClusterMessageMapper MAPPER = new ClusterMessageMapper(new ObjectMapper());
  private static final StreamsWire WIRE = new StreamsWire(MAPPER, false);

  private static String uid;
  private static final Map<String, List<JsonNode>> byName = new LinkedHashMap<>();

  @BeforeAll
  static void runTheNodeAdapter() {
    RedisTests.requireRedis();
    String prefix = RedisTests.uniqueKey("vectors");
    try (NodeScript s = NodeScript.start("streams-vectors.mjs", "--redis", RedisTests.URI, "--prefix", prefix)) {
      s.await(NodeScript.event("done"), Duration.ofSeconds(60));
      for (JsonNode e : s.events()) {
        if (e.path("event").asText().equals("uid")) {
          uid = e.get("uid").asText();
        } else if (e.has("name")) {
          byName.computeIfAbsent(e.get("name").asText(), k -> new ArrayList<>()).add(e);
        }
      }
    }
    assertThat(uid).hasSize(16);
  }

  private static JsonNode one(String name) {
    assertThat(byName.get(name)).as(name).hasSize(1);
    return byName.get(name).get(0);
  }

  private static ArrayNode array(Object... items) {
    ArrayNode a = N.arrayNode();
    for (Object o : items) {
      if (o instanceof JsonNode n) {
        a.add(n);
      } else if (o instanceof String s) {
        a.add(s);
      } else if (o instanceof Integer i) {
        a.add(i);
      } else if (o instanceof byte[] b) {
        a.add(N.binaryNode(b));
      } else {
        throw new IllegalArgumentException(String.valueOf(o));
      }
    }
    return a;
  }

  private static BroadcastOptions opts(Set<String> rooms, Set<String> except, BroadcastFlags flags) {
    return new BroadcastOptions(rooms, except, flags);
  }

  /** The Java fields of a message against the entry the Node adapter added for the same call, and back. */
  private static void sameEntry(String name, ClusterMessage m) {
    JsonNode fields = one(name).get("fields");
    Map<String, String> node = new LinkedHashMap<>();
    fields.fields().forEachRemaining(e -> node.put(e.getKey(), e.getValue().asText()));
    byte[][] f = WIRE.entryFields(m);
    Map<String, String> java = new LinkedHashMap<>();
    for (int i = 0; i < f.length; i += 2) {
      java.put(new String(f[i], StandardCharsets.UTF_8), new String(f[i + 1], StandardCharsets.UTF_8));
    }
    assertThat(java).as(name).containsExactlyEntriesOf(node);
    // and what Node wrote reads back as the message
    Map<byte[], byte[]> body = new LinkedHashMap<>();
    node.forEach((k, v) -> body.put(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)));
    ClusterMessage back = MAPPER.readMessage(StreamsWire.entryTree(body));
    assertThat(WIRE.entryFields(back)).as(name + " read back").isDeepEqualTo(f);
  }

  private static JsonNode decodeHex(String hex) {
    return NotepackCodec.decode(HexFormat.of().parseHex(hex), 64);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  @Test
  void broadcastsAreTheSameEntries() {
    ArrayNode data = array("news", 1, "two", N.objectNode().put("k", 2.5).putNull("n").put("t", true));
    sameEntry("broadcast", new ClusterMessage.Broadcast(uid, "/", Packet.event("/", data, null),
        opts(Set.of("r1"), Set.of("x"), BroadcastFlags.DEFAULT), null));
    ArrayNode bin = array("bin", "a", new byte[] {1, 2, 3}, N.objectNode().set("nested", N.binaryNode(new byte[] {-1})));
    sameEntry("binaryBroadcast", new ClusterMessage.Broadcast(uid, "/", Packet.event("/", bin, null),
        opts(Set.of(), Set.of(), BroadcastFlags.DEFAULT), null));
    assertThat(one("binaryBroadcast").get("fields").get("data").asText()).doesNotStartWith("{");
    sameEntry("flags", new ClusterMessage.Broadcast(uid, "/", Packet.event("/", array("flags"), null),
        opts(Set.of("r"), Set.of(), BroadcastFlags.DEFAULT.withVolatile(true).withCompress(false)), null));
  }

  @Test
  void roomChangesAndDisconnectionsAreTheSameEntries() {
    sameEntry("socketsJoin", new ClusterMessage.SocketsJoin(uid, "/",
        opts(Set.of("r"), Set.of("e"), BroadcastFlags.DEFAULT), Set.of("j")));
    sameEntry("socketsLeave", new ClusterMessage.SocketsLeave(uid, "/",
        opts(Set.of("r"), Set.of(), BroadcastFlags.DEFAULT), new LinkedHashSet<>(List.of("j", "k"))));
    sameEntry("disconnectSockets", new ClusterMessage.DisconnectSockets(uid, "/",
        opts(Set.of("r"), Set.of(), BroadcastFlags.DEFAULT), true));
    assertThat(byName.get("none")).isNull(); // none of those went by pub/sub
  }

  @Test
  void requestsAreTheSamePubSubPayloads() {
    JsonNode sse = one("serverSideEmit");
    assertThat(sse.get("channel").asText()).endsWith("#/#");
    assertThat(hex(WIRE.pubsubPayload(new ClusterMessage.ServerSideEmit(uid, "/", array("hello", 1, "x"), null))))
        .isEqualTo(sse.get("hex").asText());

    JsonNode withAck = one("serverSideEmitWithAck");
    String id = decodeHex(withAck.get("hex").asText()).get("data").get("requestId").asText();
    assertThat(hex(WIRE.pubsubPayload(new ClusterMessage.ServerSideEmit(uid, "/", array("ask", 2), id))))
        .isEqualTo(withAck.get("hex").asText());

    JsonNode fetch = one("fetchSockets");
    id = decodeHex(fetch.get("hex").asText()).get("data").get("requestId").asText();
    assertThat(hex(WIRE.pubsubPayload(new ClusterMessage.FetchSockets(uid, "/",
        opts(Set.of(), Set.of(), BroadcastFlags.DEFAULT.withTimeout(Duration.ofMillis(300))), id))))
        .isEqualTo(fetch.get("hex").asText());

    JsonNode ask = one("broadcastWithAck");
    id = decodeHex(ask.get("hex").asText()).get("data").get("requestId").asText();
    assertThat(hex(WIRE.pubsubPayload(new ClusterMessage.Broadcast(uid, "/", Packet.event("/", array("question", 3),
        null), opts(Set.of("r"), Set.of(), BroadcastFlags.DEFAULT.withTimeout(Duration.ofMillis(300))), id))))
        .isEqualTo(ask.get("hex").asText());

    // what Node decodes from these is what the Java mapper reads
    ClusterMessage read = MAPPER.readMessage(decodeHex(ask.get("hex").asText()));
    assertThat(read).isInstanceOf(ClusterMessage.Broadcast.class);
    assertThat(((ClusterMessage.Broadcast) read).requestId()).isEqualTo(id);
  }

  /** The answers Node published to our requests, on {@code prefix#/#sniffer#}. */
  private static String answer(String name) {
    List<JsonNode> all = byName.get(name);
    assertThat(all).as(name).isNotNull();
    return all.stream().filter(e -> e.get("channel").asText().endsWith("#/#sniffer#")).findFirst()
        .orElseThrow(() -> new AssertionError("no answer to " + name)).get("hex").asText();
  }

  @Test
  void answersAreTheSamePubSubPayloads() {
    assertThat(hex(WIRE.pubsubPayload(new ClusterResponse.ServerSideEmitResponse(uid, "/", "r9", N.textNode("node:q")))))
        .isEqualTo(answer("serverSideEmitRequest"));
    assertThat(hex(WIRE.pubsubPayload(new ClusterResponse.FetchSocketsResponse(uid, "/", "r7", List.of()))))
        .isEqualTo(answer("fetchSocketsRequest"));
    assertThat(hex(WIRE.pubsubPayload(new ClusterResponse.BroadcastClientCount(uid, "/", "r3", 0))))
        .isEqualTo(answer("broadcastWithAckRequest"));
    assertThat(MAPPER.readResponse(decodeHex(answer("broadcastWithAckRequest"))))
        .isEqualTo(new ClusterResponse.BroadcastClientCount(uid, "/", "r3", 0));
  }

  @Test
  void numbersAreWrittenAsMsgpackJsWritesThem() {
    ArrayNode numbers = N.arrayNode().add(0).add(-1).add(127).add(128).add(-33).add(65536).add(1L << 32)
        .add((1L << 53) - 1).add(1L << 53).add(-(1L << 53)).add(1.5).add(1e300).add("é");
    assertThat(hex(NotepackCodec.encodeJs(numbers))).isEqualTo(one("numbers").get("hex").asText());
    // notepack keeps 2^53 an integer; @msgpack/msgpack does not
    assertThat(hex(NotepackCodec.encode(N.numberNode(1L << 53)))).startsWith("cf");
    assertThat(hex(NotepackCodec.encodeJs(N.numberNode(1L << 53)))).startsWith("cb");
  }

  @Test
  void sessionsOfTheReferenceReadBackAndJavaRecordsKeepTheirFields() throws Exception {
    JsonNode s = one("session");
    byte[] stored = s.get("value").asText().getBytes(StandardCharsets.US_ASCII);
    StreamsWire.SessionRecord r = StreamsWire.SessionRecord.decode(stored);
    assertThat(r.owner()).isNull();
    assertThat(r.sid()).isEqualTo("sid1");
    assertThat(r.pid()).isEqualTo("pid1");
    assertThat(r.rooms()).containsExactly("sid1", "r");
    assertThat(r.data().get("name").asText()).isEqualTo("n");
    assertThat(r.data().get("b").binaryValue()).containsExactly(9);
    assertThat(r.baseOffset()).isNull();
    // the reference's {sid, pid, rooms, data} in the same order gives the same bytes
    var tree = N.objectNode().put("sid", "sid1").put("pid", "pid1");
    tree.set("rooms", array("sid1", "r"));
    tree.set("data", r.data());
    assertThat(java.util.Base64.getEncoder().encodeToString(NotepackCodec.encodeJs(tree)))
        .isEqualTo(s.get("value").asText());

    StreamsWire.SessionRecord mine = new StreamsWire.SessionRecord("0123456789abcdef", "sid2", "pid2",
        new LinkedHashSet<>(List.of("sid2", "x")), N.objectNode().put("user", "u"), "1-0");
    byte[] encoded = mine.encode();
    assertThat(StreamsWire.SessionRecord.decode(encoded)).isEqualTo(mine);
    // the owner alone decides the first 32 characters
    byte[] other = new StreamsWire.SessionRecord("0123456789abcdef", "s", "p", Set.of(), null, null).encode();
    assertThat(Arrays.copyOf(other, 32)).isEqualTo(StreamsWire.SessionRecord.ownerPrefix(encoded));
    byte[] otherOwner = new StreamsWire.SessionRecord("fedcba9876543210", "sid2", "pid2",
        new LinkedHashSet<>(List.of("sid2", "x")), N.objectNode().put("user", "u"), "1-0").encode();
    assertThat(Arrays.copyOf(otherOwner, 32)).isNotEqualTo(StreamsWire.SessionRecord.ownerPrefix(encoded));
  }
}
