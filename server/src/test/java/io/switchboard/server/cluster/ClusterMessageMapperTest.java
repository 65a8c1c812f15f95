package io.switchboard.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.switchboard.server.BroadcastFlags;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.Handshake;
import io.switchboard.server.parser.Packet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every cluster message and response through its wire tree and back, and the trees that are refused. */
class ClusterMessageMapperTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final ObjectMapper json = new ObjectMapper();
  private final ClusterMessageMapper mapper = new ClusterMessageMapper(json);

  private final BroadcastOptions opts = new BroadcastOptions(Set.of("r1", "r2"), Set.of("x"),
      BroadcastFlags.DEFAULT.withVolatile(true).withCompress(false).withTimeout(Duration.ofMillis(1500)));

  private ClusterMessage roundTrip(ClusterMessage m) throws Exception {
    return mapper.readMessage(json.readTree(json.writeValueAsBytes(mapper.toTree(m))));
  }

  private ClusterResponse roundTrip(ClusterResponse r) throws Exception {
    return mapper.readResponse(json.readTree(json.writeValueAsBytes(mapper.toTree(r))));
  }

  @Test
  void messagesSurviveTheirWireForm() throws Exception {
    ArrayNode data = NODES.arrayNode().add("news").add(NODES.objectNode().put("a", 1));
    ClusterMessage.Broadcast b = new ClusterMessage.Broadcast("u1", "/chat", Packet.event("/chat", data, null), opts,
        "req1");
    assertThat(roundTrip(b)).isEqualTo(b);
    ClusterMessage.SocketsJoin j = new ClusterMessage.SocketsJoin("u1", "/", opts, Set.of("j"));
    assertThat(roundTrip(j)).isEqualTo(j);
    ClusterMessage.SocketsLeave l = new ClusterMessage.SocketsLeave("u1", "/", opts, Set.of("j"));
    assertThat(roundTrip(l)).isEqualTo(l);
    ClusterMessage.DisconnectSockets d = new ClusterMessage.DisconnectSockets("u1", "/", opts, true);
    assertThat(roundTrip(d)).isEqualTo(d);
    ClusterMessage.FetchSockets f = new ClusterMessage.FetchSockets("u1", "/", opts, "req2");
    assertThat(roundTrip(f)).isEqualTo(f);
    ClusterMessage.ServerSideEmit s = new ClusterMessage.ServerSideEmit("u1", "/", data, null);
    assertThat(roundTrip(s)).isEqualTo(s);
    for (ClusterMessageType t : List.of(ClusterMessageType.INITIAL_HEARTBEAT, ClusterMessageType.HEARTBEAT,
        ClusterMessageType.ADAPTER_CLOSE)) {
      ClusterMessage.Presence p = new ClusterMessage.Presence("u1", "/", t);
      assertThat(roundTrip(p)).isEqualTo(p);
    }
    assertThat(mapper.toTree(b).get("type").intValue()).isEqualTo(3);
    assertThat(mapper.toTree(b).get("data").get("opts").get("flags").toString())
        .isEqualTo("{\"volatile\":true,\"compress\":false,\"timeout\":1500}");
  }

  @Test
  void responsesSurviveTheirWireForm() throws Exception {
    Handshake hs = new Handshake(Map.of("host", "example"), Instant.ofEpochMilli(1_700_000_000_000L), "10.0.0.1",
        true, false, "/socket.io/?EIO=4", Map.of("EIO", "4"), Map.of("token", "t"));
    SocketDetails sd = new SocketDetails("sid1", hs, Set.of("sid1", "r"), NODES.objectNode().put("user", 7));
    ClusterResponse.FetchSocketsResponse f = new ClusterResponse.FetchSocketsResponse("u2", "/", "req", List.of(sd));
    assertThat(roundTrip(f)).isEqualTo(f);
    ClusterResponse.ServerSideEmitResponse s = new ClusterResponse.ServerSideEmitResponse("u2", "/", "req",
        NODES.textNode("pong"));
    assertThat(roundTrip(s)).isEqualTo(s);
    ClusterResponse.BroadcastClientCount c = new ClusterResponse.BroadcastClientCount("u2", "/", "req", 4);
    assertThat(roundTrip(c)).isEqualTo(c);
    ClusterResponse.BroadcastAck a = new ClusterResponse.BroadcastAck("u2", "/", "req", NODES.numberNode(1));
    assertThat(roundTrip(a)).isEqualTo(a);
    JsonNode wireSocket = mapper.toTree(f).get("data").get("sockets").get(0);
    assertThat(wireSocket.get("handshake").get("issued").longValue()).isEqualTo(1_700_000_000_000L);
    assertThat(wireSocket.get("handshake").get("time").asText()).startsWith("Tue Nov 14 2023 22:13:20 GMT+0000");
  }

  @Test
  void malformedTreesAreRefused() throws Exception {
    for (String bad : List.of(
        "{}",
        "{\"type\":0,\"nsp\":\"/\"}",
        "{\"type\":99,\"nsp\":\"/\"}",
        "{\"type\":\"3\",\"nsp\":\"/\"}",
        "{\"type\":3,\"nsp\":\"/\"}",
        "{\"type\":3,\"nsp\":\"/\",\"data\":{\"opts\":{},\"packet\":{\"type\":2,\"data\":\"x\"}}}",
        "{\"type\":3,\"nsp\":\"/\",\"data\":{\"opts\":{},\"packet\":{\"type\":0,\"data\":[\"e\"]}}}",
        "{\"type\":3,\"nsp\":\"/\",\"data\":{\"opts\":{\"rooms\":[{\"@class\":\"x\"}]},\"packet\":{\"type\":2,\"data\":[\"e\"]}}}",
        "{\"type\":4,\"nsp\":\"/\",\"data\":{\"opts\":{},\"rooms\":\"r\"}}",
        "{\"type\":7,\"nsp\":\"/\",\"data\":{\"opts\":{}}}",
        "{\"type\":9,\"nsp\":\"/\",\"data\":{\"packet\":[]}}",
        "{\"type\":8,\"nsp\":\"/\",\"data\":{\"requestId\":\"r\"}}")) {
      JsonNode tree = json.readTree(bad);
      ClusterMessageType t = ClusterMessageMapper.typeOf(tree);
      if (t != null && t.isResponse()) {
        assertThatThrownBy(() -> mapper.readResponse(tree)).as(bad).isInstanceOf(IllegalArgumentException.class);
      } else {
        assertThatThrownBy(() -> mapper.readMessage(tree)).as(bad).isInstanceOf(IllegalArgumentException.class);
      }
    }
    JsonNode negativeCount = json.readTree("{\"type\":11,\"nsp\":\"/\",\"data\":{\"requestId\":\"r\",\"clientCount\":-1}}");
    assertThatThrownBy(() -> mapper.readResponse(negativeCount)).isInstanceOf(IllegalArgumentException.class);
  }
}
