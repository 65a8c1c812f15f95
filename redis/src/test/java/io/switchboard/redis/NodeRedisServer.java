package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.NodeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Node socket.io server of {@code interop/scripts/redis-node-server.mjs} on the Redis adapter, driven by
 * commands.
 *
 * <pre>{@code
 * try (NodeRedisServer node = NodeRedisServer.start(key, "classic")) {
 *   node.call(NodeRedisServer.op("emit").put("event", "hi"));
 * }
 * }</pre>
 */
final class NodeRedisServer implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  private final NodeScript script;
  private final int port;
  private final AtomicInteger ids = new AtomicInteger();

  private NodeRedisServer(NodeScript script, int port) {
    this.script = script;
    this.port = port;
  }

  static NodeRedisServer start(String key, String mode, String... extra) {
    List<String> args = new ArrayList<>(List.of("--redis", RedisTests.URI, "--key", key, "--mode", mode));
    args.addAll(List.of(extra));
    NodeScript s = NodeScript.start("redis-node-server.mjs", args);
    try {
      int port = s.await(NodeScript.event("listening"), WAIT).get("port").asInt();
      return new NodeRedisServer(s, port);
    } catch (RuntimeException | AssertionError e) {
      s.close();
      throw e;
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  static ObjectNode op(String name) {
    return NodeScript.command().put("op", name);
  }

  /** Runs a command and returns its result value; fails on an error event. */
  JsonNode call(ObjectNode command) {
    int id = ids.incrementAndGet();
    command.put("id", id);
    script.send(command);
    JsonNode e = script.await(x -> x.path("id").asInt(-1) == id
        && (x.path("event").asText().equals("result") || x.path("event").asText().equals("error")), WAIT);
    if (e.path("event").asText().equals("error")) {
      throw new AssertionError("node server: " + e.path("message").asText());
    }
    return e.get("value");
  }

  /** Waits for a reported server-side event. */
  JsonNode awaitServerSideEmit() {
    return script.await(NodeScript.event("serverSideEmit"), WAIT);
  }

  /** Kills the process with SIGKILL: no clean shutdown. */
  void kill() {
    script.kill();
  }

  @Override
  public void close() {
    script.close();
  }
}
