package io.switchboard.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.NodeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code @socket.io/redis-emitter} 5.1 in a Node process ({@code interop/scripts/redis-emitter.mjs}), driven by
 * commands.
 *
 * <pre>{@code
 * try (NodeEmitter e = NodeEmitter.start(key)) {
 *   e.run(NodeEmitter.op("emit").put("event", "hi"));
 * }
 * }</pre>
 */
final class NodeEmitter implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final NodeScript script;
  private final AtomicInteger ids = new AtomicInteger();

  private NodeEmitter(NodeScript script) {
    this.script = script;
  }

  static NodeEmitter start(String key, String... extra) {
    List<String> args = new ArrayList<>(List.of("--redis", RedisTests.URI, "--key", key));
    args.addAll(List.of(extra));
    NodeScript s = NodeScript.start("redis-emitter.mjs", args);
    try {
      s.await(NodeScript.event("ready"), WAIT);
      return new NodeEmitter(s);
    } catch (RuntimeException | AssertionError e) {
      s.close();
      throw e;
    }
  }

  static ObjectNode op(String name) {
    return NodeScript.command().put("op", name);
  }

  /** Runs a command and waits until Redis took it. */
  void run(ObjectNode command) {
    int id = ids.incrementAndGet();
    command.put("id", id);
    script.send(command);
    var e = script.await(x -> x.path("id").asInt(-1) == id, WAIT);
    if (!e.path("event").asText().equals("done")) {
      throw new AssertionError("emitter: " + e);
    }
  }

  @Override
  public void close() {
    script.close();
  }
}
