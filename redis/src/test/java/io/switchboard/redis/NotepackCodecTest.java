package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.NodeScript;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our msgpack against the bytes notepack.io 3.0.1 writes, and the reader's refusals. */
class NotepackCodecTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void writesTheSameBytesAsNotepackAndReadsThemBack() {
    List<JsonNode> vectors;
    try (NodeScript node = NodeScript.start("notepack-vectors.mjs")) {
      vectors = node.await(11, NodeScript.event("vector"), Duration.ofSeconds(30));
    }
    assertThat(vectors).hasSize(11);
    for (JsonNode v : vectors) {
      String name = v.get("name").asText();
      JsonNode value = fromNode(v.get("json"), name.equals("wholeFloats"));
      byte[] expected = HexFormat.of().parseHex(v.get("hex").asText());
      assertThat(HexFormat.of().formatHex(NotepackCodec.encode(value))).as(name)
          .isEqualTo(v.get("hex").asText());
      assertThat(NotepackCodec.decode(expected, 64)).as(name).isEqualTo(fromNode(v.get("json"), false));
    }
  }

  @Test
  void nodeReadsWhatWeWrite() {
    ArrayNode value = NODES.arrayNode().add("emitter").add(NODES.binaryNode(new byte[] {1, 2, 3})).add(-12.5)
        .add(NODES.objectNode().put("k", 300));
    String hex = HexFormat.of().formatHex(NotepackCodec.encode(value));
    try (NodeScript node = NodeScript.start("notepack-vectors.mjs", "--decode", hex)) {
      JsonNode decoded = node.await(NodeScript.event("decoded"), Duration.ofSeconds(30)).get("json");
      assertThat(decoded.toString()).isEqualTo("[\"emitter\",{\"$bin\":\"AQID\"},-12.5,{\"k\":300}]");
    }
  }

  @Test
  void hugeWholeNumbersStayFloats() {
    // notepack writes whole numbers of 2^63 and more as a truncated uint64 (1e300 becomes 0); we keep the value
    assertThat(HexFormat.of().formatHex(NotepackCodec.encode(NODES.numberNode(1e300)))).isEqualTo("cb7e37e43c8800759c");
  }

  @Test
  void timestampsBecomeIsoText() {
    byte[] ts32 = HexFormat.of().parseHex("d6ff5f5e1000"); // 2020-09-13T12:26:40Z
    assertThat(NotepackCodec.decode(ts32, 8).textValue()).isEqualTo("2020-09-13T12:26:40.000Z");
  }

  @Test
  void refusesMalformedInput() {
    assertRefused("");                       // nothing
    assertRefused("92c3");                   // array of 2 with one element
    assertRefused("c0c0");                   // trailing bytes
    assertRefused("dbffffffff61");           // str32 claiming 4 GiB
    assertRefused("ddffffffff");             // array32 claiming 4 billion elements
    assertRefused("c70501aabbccddee");       // an extension type other than timestamps
    assertRefused("81c3c3");                 // a map key that is not text
    assertRefused("c1");                     // the never-used byte
    assertRefused("91".repeat(100) + "c0");  // nested too deeply
  }

  private static void assertRefused(String hex) {
    byte[] b = HexFormat.of().parseHex(hex);
    assertThatThrownBy(() -> NotepackCodec.decode(b, 64)).as(hex).isInstanceOf(IllegalArgumentException.class);
  }

  private static JsonNode fromNode(JsonNode j, boolean numbersAsDoubles) {
    if (j.isObject() && j.size() == 1 && j.has("$bin")) {
      return NODES.binaryNode(Base64.getDecoder().decode(j.get("$bin").asText()));
    }
    if (j.isArray()) {
      ArrayNode a = NODES.arrayNode();
      j.forEach(x -> a.add(fromNode(x, numbersAsDoubles)));
      return a;
    }
    if (j.isObject()) {
      ObjectNode o = NODES.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = j.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), fromNode(e.getValue(), numbersAsDoubles));
      }
      return o;
    }
    if (numbersAsDoubles && j.isNumber()) {
      return NODES.numberNode(j.doubleValue());
    }
    return j;
  }
}
