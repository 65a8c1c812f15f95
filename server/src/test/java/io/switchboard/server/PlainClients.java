package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.NodeScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The "join" application on the three transports and the npm clients of {@code interop/scripts/plain-clients.mjs}
 * (socket.io-client, ws 8, an SSE stream) that join one room with it; shared by the server's and the Redis tests.
 *
 * <pre>{@code
 * PlainClients.serveJoin(io);
 * try (NodeScript c = PlainClients.start(io.port(), io.port(), "prices")) {
 *   io.to("prices").emit("price", 1);
 *   PlainClients.assertAllGot(c, "price", JSON.readTree("[1]"));
 * }
 * }</pre>
 */
public final class PlainClients {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlainClients() {}

  /** The application of these tests: "join" on each transport. */
  public static void serveJoin(Server io) {
    io.onConnection(s -> s.on("join", String.class, (room, ack) -> {
      s.join(room);
      ack.send("ok");
    }));
    io.webSocket("/ws", PlainWebSocketOptions.DEFAULT, ws -> ws.onText(text -> {
      try {
        JsonNode m = JSON.readTree(text);
        if ("join".equals(m.path("event").asText())) {
          ws.join(m.get("data").asText());
          ws.send("{\"event\":\"joined\",\"data\":" + JSON.writeValueAsString(m.get("data").asText()) + "}");
        }
      } catch (java.io.IOException e) {
        ws.close(1007, "not JSON");
      }
    }));
    io.sse("/events", EventStreamOptions.DEFAULT, st -> st.join(st.handshake().query().get("room")));
  }

  /** Starts the three clients (Socket.IO to {@code sioPort}, plain ones to {@code plainPort}); returns when all joined. */
  public static NodeScript start(int sioPort, int plainPort, String room, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--sio", "http://127.0.0.1:" + sioPort,
        "--ws", "ws://127.0.0.1:" + plainPort + "/ws", "--sse", "http://127.0.0.1:" + plainPort + "/events",
        "--room", room));
    args.addAll(List.of(more));
    NodeScript c = NodeScript.start("plain-clients.mjs", args);
    Set<String> ready = c.await(3, NodeScript.event("ready"), WAIT).stream()
        .map(e -> e.get("transport").asText()).collect(Collectors.toSet());
    assertThat(ready).containsExactlyInAnyOrder("sio", "ws", "sse");
    return c;
  }

  /** Awaits {@code event} on the three transports, with {@code expectedArgs} as its arguments. */
  public static void assertAllGot(NodeScript c, String event, JsonNode expectedArgs) {
    List<JsonNode> got = c.await(3, e -> e.path("event").asText().equals("got")
        && e.path("name").asText().equals(event), WAIT);
    Map<String, JsonNode> byTransport = got.stream().collect(Collectors.toMap(e -> e.get("transport").asText(),
        e -> e.get("data")));
    assertThat(byTransport.keySet()).containsExactlyInAnyOrder("sio", "ws", "sse");
    assertThat(byTransport.get("sio")).isEqualTo(expectedArgs);
    assertThat(byTransport.get("ws")).isEqualTo(expectedArgs);
    // SSE data is the single argument itself
    assertThat(byTransport.get("sse")).isEqualTo(expectedArgs.size() == 1 ? expectedArgs.get(0) : expectedArgs);
  }
}
