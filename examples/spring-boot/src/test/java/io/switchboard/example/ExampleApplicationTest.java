package io.switchboard.example;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.server.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.RepositoryRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The example application on random ports (web and Socket.IO), driven by the npm socket.io-client: echo, validation,
 * the scheduled broadcast to a room, the token middleware, and the actuator's health and metrics.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "switchboard.port=0", "switchboard.host=127.0.0.1", "switchboard.shutdown-grace=0s",
    "example.tick-interval=200ms"})
class ExampleApplicationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired
  Server server;

  @Value("${local.server.port}")
  int webPort;

  private final List<NodeScript> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(NodeScript::close);
  }

  private NodeScript client(String token) {
    NodeScript c = NodeScript.startFile(RepositoryRoot.find().resolve("server/src/test/node/sio-client.mjs"),
        List.of("--url", "http://127.0.0.1:" + server.port(), "--transports", "both",
            "--auth", "{\"token\":\"" + token + "\",\"user\":\"ada\"}"));
    clients.add(c);
    return c;
  }

  private static void emit(NodeScript c, int ref, String event, Object... args) {
    var cmd = NodeScript.command().put("op", "emit").put("event", event).put("ref", ref);
    cmd.set("args", JSON.valueToTree(List.of(args)));
    c.send(cmd);
  }

  private static JsonNode ack(NodeScript c, int ref) {
    return c.await(NodeScript.event("ack", "ref", Integer.toString(ref)), WAIT).get("args").get(0);
  }

  private JsonNode get(String path) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void echoIsAckedWithThePayload() {
    NodeScript c = client("let-me-in");
    c.await(NodeScript.event("connect"), WAIT);
    emit(c, 1, "echo", Map.of("hello", "world", "n", List.of(1, 2, 3)));
    assertThat(ack(c, 1)).isEqualTo(JSON.valueToTree(Map.of("hello", "world", "n", List.of(1, 2, 3))));
  }

  @Test
  void anInvalidMessageIsAckedAsAValidationError() {
    NodeScript c = client("let-me-in");
    c.await(NodeScript.event("connect"), WAIT);
    emit(c, 1, "say", Map.of("room", "news", "text", ""));
    JsonNode error = ack(c, 1);
    assertThat(error.path("error").asText()).isEqualTo("validation");
    assertThat(error.path("violations")).hasSize(1);
    assertThat(error.path("violations").get(0).path("path").asText()).isEqualTo("text");
    assertThat(error.path("violations").get(0).path("message").asText()).isNotBlank();

    emit(c, 2, "say", Map.of("room", "news", "text", "hi"));
    assertThat(ack(c, 2).path("ok").asBoolean()).isTrue();
  }

  @Test
  void theScheduledJobBroadcastsToTheRoomOnly() {
    NodeScript inRoom = client("let-me-in");
    NodeScript outside = client("let-me-in");
    inRoom.await(NodeScript.event("connect"), WAIT);
    outside.await(NodeScript.event("connect"), WAIT);
    emit(inRoom, 1, "join", "ticks");
    assertThat(ack(inRoom, 1).asText()).isEqualTo("ok");
    List<JsonNode> ticks = inRoom.await(2, NodeScript.event("event", "name", "tick"), WAIT);
    assertThat(ticks.get(1).path("args").get(0).path("n").asLong())
        .isGreaterThan(ticks.get(0).path("args").get(0).path("n").asLong());
    // the other client joined no room: an echo round trip later it has seen no tick
    emit(outside, 1, "echo", "x");
    ack(outside, 1);
    assertThat(outside.events()).noneMatch(NodeScript.event("event", "name", "tick"));
  }

  @Test
  void aWrongTokenIsRefused() {
    NodeScript c = client("wrong");
    JsonNode e = c.await(NodeScript.event("connect_error"), WAIT);
    assertThat(e.path("message").asText()).isEqualTo("unauthorized");
  }

  @Test
  void healthIsUpWithTheConnectionCount() {
    NodeScript c = client("let-me-in");
    c.await(NodeScript.event("connect"), WAIT);
    JsonNode health = Await.value("health reports the connection", WAIT, () -> {
      JsonNode h = get("/actuator/health/switchboard");
      return h.path("details").path("connections").asLong() >= 1 ? h : null;
    });
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("details").path("port").asInt()).isEqualTo(server.port());
    assertThat(health.path("details").path("adapter").asText()).isEqualTo("in-memory");
    assertThat(get("/actuator/health").path("status").asText()).isEqualTo("UP");
    assertThat(get("/actuator/info").path("switchboard").path("path").asText()).isEqualTo("/socket.io/");
  }

  @Test
  void switchboardMetersAreVisibleThroughTheActuator() {
    NodeScript c = client("let-me-in");
    c.await(NodeScript.event("connect"), WAIT);
    emit(c, 1, "echo", "m");
    ack(c, 1);
    List<String> names = new ArrayList<>();
    get("/actuator/metrics").path("names").forEach(n -> names.add(n.asText()));
    assertThat(names).contains("switchboard.connections", "switchboard.events.received", "switchboard.http.connections");
    Await.value("switchboard.connections counts the client", WAIT, () -> {
      JsonNode m = get("/actuator/metrics/switchboard.connections");
      return m.path("measurements").get(0).path("value").asDouble() >= 1 ? m : null;
    });
    JsonNode events = get("/actuator/metrics/switchboard.events.received");
    assertThat(events.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(1);
  }
}
