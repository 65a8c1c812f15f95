package io.switchboard.server.cluster;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes the reading of cluster messages with what any other member of the cluster (or anyone who can publish on its
 * Redis channels) sends: the JSON or msgpack tree that the Redis adapters decode and hand to the mapper.
 *
 * <pre>{@code
 * {"uid":"abc","nsp":"/","type":3,"data":{"packet":{"type":2,"data":["e",1]},"opts":{"rooms":["r"]}}}
 * ["uid",{"type":2,"data":["e",{"$b":"bytes"}],"nsp":"/"},{"rooms":[],"except":[]}]
 * }</pre>
 *
 * <p>The input is JSON, read with the adapters' nesting limit (64); an object {@code {"$b": text}} stands for a
 * binary node (what msgpack's bin types decode to) holding the text's UTF-8 bytes. Whole trees go to
 * {@link ClusterMessageMapper#readMessage}/{@link ClusterMessageMapper#readResponse} (the sharded adapter), and parts of
 * them to the pieces the classic adapter calls ({@code treeToPacket}, {@code treeToOptions}, {@code roomSet},
 * {@code eventArray}, {@code treeToSockets}). The property: each returns or throws {@link IllegalArgumentException},
 * nothing else; and a message or response read, written with {@code toTree} and read again, writes the same tree.
 */
class ClusterMessageMapperFuzzTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build()).build());
  private static final ClusterMessageMapper MAPPER = new ClusterMessageMapper(JsonMapper.builder().build());

  @DictionaryEntries({"\"uid\":", "\"nsp\":", "\"type\":", "\"data\":", "\"packet\":", "\"opts\":", "\"rooms\":",
      "\"except\":", "\"flags\":", "\"timeout\":", "\"volatile\":", "\"compress\":", "\"requestId\":",
      "\"sockets\":", "\"handshake\":", "\"issued\":", "\"auth\":", "\"headers\":", "\"query\":", "\"clientCount\":",
      "\"close\":", "\"id\":", "\"$b\":"})
  @FuzzTest
  void read(byte[] input) {
    JsonNode json;
    try {
      json = JSON.readTree(new String(input, StandardCharsets.UTF_8));
    } catch (IOException notJson) {
      return; // the adapters drop it before the mapper sees it
    }
    if (json == null || json.isMissingNode()) {
      return;
    }
    JsonNode tree = withBinary(json);

    ClusterMessageType type = ClusterMessageMapper.typeOf(tree);
    if (type != null && type.isResponse()) {
      ClusterResponse r;
      try {
        r = MAPPER.readResponse(tree);
      } catch (IllegalArgumentException expected) {
        r = null;
      }
      if (r != null) {
        ObjectNode written = sortRooms(MAPPER.toTree(r));
        ObjectNode again = sortRooms(MAPPER.toTree(MAPPER.readResponse(written)));
        if (!written.equals(again)) {
          throw new AssertionError("round trip: " + written + " became " + again);
        }
      }
    } else {
      ClusterMessage m;
      try {
        m = MAPPER.readMessage(tree);
      } catch (IllegalArgumentException expected) {
        m = null;
      }
      if (m != null) {
        ObjectNode written = MAPPER.toTree(m);
        ClusterMessage back = MAPPER.readMessage(written);
        if (!back.equals(m) || !MAPPER.toTree(back).equals(written)) {
          throw new AssertionError("round trip: " + m + " became " + back);
        }
      }
    }

    // the classic adapter: [uid, packet, opts] on the broadcast channel, {type, packet, opts, rooms, data...} requests
    if (tree.isArray()) {
      expectIllegalArgumentOnly(() -> MAPPER.treeToPacket(tree.get(1), "/"));
      expectIllegalArgumentOnly(() -> MAPPER.treeToOptions(tree.get(2)));
    }
    JsonNode d = tree.path("data");
    expectIllegalArgumentOnly(() -> MAPPER.treeToPacket(tree.get("packet"), "/nsp"));
    expectIllegalArgumentOnly(() -> MAPPER.treeToOptions(tree.get("opts")));
    expectIllegalArgumentOnly(() -> ClusterMessageMapper.roomSet(tree.get("rooms")));
    expectIllegalArgumentOnly(() -> ClusterMessageMapper.eventArray(tree.get("data")));
    expectIllegalArgumentOnly(() -> MAPPER.treeToSockets(tree.get("sockets")));
    expectIllegalArgumentOnly(() -> MAPPER.treeToSockets(d.get("sockets")));
    expectIllegalArgumentOnly(() -> MAPPER.treeToSocket(tree));
  }

  private static void expectIllegalArgumentOnly(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException expected) {
      // refused, as documented
    }
  }

  /** A socket's rooms are a set without order (SocketDetails keeps them in a Set.copyOf): sorted, to compare trees. */
  private static ObjectNode sortRooms(ObjectNode response) {
    for (JsonNode socket : response.path("data").path("sockets")) {
      List<String> rooms = new ArrayList<>();
      socket.path("rooms").forEach(r -> rooms.add(r.asText()));
      Collections.sort(rooms);
      ((ObjectNode) socket).set("rooms", ClusterMessageMapper.strings(rooms));
    }
    return response;
  }

  /** The tree with every {@code {"$b": text}} replaced by a binary node. */
  private static JsonNode withBinary(JsonNode n) {
    if (n.isObject()) {
      if (n.size() == 1 && n.path("$b").isTextual()) {
        return NODES.binaryNode(n.get("$b").textValue().getBytes(StandardCharsets.UTF_8));
      }
      ObjectNode o = (ObjectNode) n;
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        e.setValue(withBinary(e.getValue()));
      }
    } else if (n.isArray()) {
      ArrayNode a = (ArrayNode) n;
      for (int i = 0; i < a.size(); i++) {
        a.set(i, withBinary(a.get(i)));
      }
    }
    return n;
  }
}
