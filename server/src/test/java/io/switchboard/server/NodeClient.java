package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.RepositoryRoot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/** The npm socket.io-client driven through {@code server/src/test/node/sio-client.mjs}. */
final class NodeClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(20);

  private final NodeScript script;

  private NodeClient(NodeScript script) {
    this.script = script;
  }

  /** Starts a client of {@code url + nsp}; extra flags: --transports, --auth, --reconnect, --no-ack. */
  static NodeClient start(String url, String nsp, String... flags) {
    List<String> args = new ArrayList<>(List.of("--url", url, "--nsp", nsp));
    args.addAll(List.of(flags));
    return new NodeClient(NodeScript.startFile(
        RepositoryRoot.find().resolve("server/src/test/node/sio-client.mjs"), args));
  }

  JsonNode await(String event) {
    return script.await(NodeScript.event(event), WAIT);
  }

  JsonNode await(Predicate<JsonNode> predicate) {
    return script.await(predicate, WAIT);
  }

  /** Waits for the server event {@code name} and returns its arguments. */
  JsonNode awaitEvent(String name) {
    return script.await(NodeScript.event("event", "name", name), WAIT).get("args");
  }

  JsonNode connected() {
    return await("connect");
  }

  void emit(String event, Object... args) {
    script.send(command("emit").put("event", event).set("args", toArgs(args)));
  }

  void emitWithAck(int ref, String event, Object... args) {
    script.send(command("emit").put("event", event).put("ref", ref).set("args", toArgs(args)));
  }

  void disconnect() {
    script.send(command("disconnect"));
  }

  void connect() {
    script.send(command("connect"));
  }

  void dropTransport() {
    script.send(command("dropTransport"));
  }

  static ObjectNode binary(byte[] data) {
    return JSON.createObjectNode().put("$binary", Base64.getEncoder().encodeToString(data));
  }

  static byte[] bytes(JsonNode binary) {
    return Base64.getDecoder().decode(binary.get("$binary").asText());
  }

  private static ObjectNode command(String op) {
    return JSON.createObjectNode().put("op", op);
  }

  private static ArrayNode toArgs(Object[] args) {
    ArrayNode a = JSON.createArrayNode();
    for (Object o : args) {
      a.add(o instanceof JsonNode n ? n : JSON.valueToTree(o));
    }
    return a;
  }

  @Override
  public void close() {
    script.close();
  }
}
