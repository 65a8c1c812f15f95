package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.NodeScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The socket.io-client of {@code interop/scripts/recovery-client.mjs}: connection state recovery, reconnection to the
 * URL it was last pointed at, and a record of everything it got.
 *
 * <pre>{@code
 * try (RecoveryClient c = RecoveryClient.start(a.url(), "c", "r")) {
 *   JsonNode first = c.awaitConnect();                  // {"event":"connect","id":..,"recovered":false}
 *   c.retarget(b.url());
 *   c.drop();                                           // reconnects to b
 *   assertThat(c.awaitConnect().get("recovered").asBoolean()).isTrue();
 * }
 * }</pre>
 */
final class RecoveryClient implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  private final NodeScript script;
  private final AtomicInteger ids = new AtomicInteger();

  private RecoveryClient(NodeScript script) {
    this.script = script;
  }

  static RecoveryClient start(String url, String name, String rooms, String... extra) {
    List<String> args = new ArrayList<>(List.of("--url", url, "--name", name, "--rooms", rooms));
    args.addAll(List.of(extra));
    return new RecoveryClient(NodeScript.start("recovery-client.mjs", args));
  }

  /** Waits for the next connect event (each is returned once). */
  JsonNode awaitConnect() {
    return script.await(NodeScript.event("connect"), WAIT);
  }

  /** Polls until {@code condition} holds, for up to {@code wait}. */
  void until(String what, java.util.function.BooleanSupplier condition, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + wait + ": " + what + "; events " + script.events());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Waits until {@code predicate} holds for some event. */
  JsonNode await(Predicate<JsonNode> predicate, Duration wait) {
    return script.await(predicate, wait);
  }

  /** Every event reported so far. */
  List<JsonNode> events() {
    return script.events();
  }

  /** The messages (server events) received so far, in order. */
  List<JsonNode> messages(String name) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : script.events()) {
      if (e.path("event").asText().equals("message") && e.path("name").asText().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The first argument of each {@code name} message, as numbers. */
  List<Integer> numbers(String name) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode m : messages(name)) {
      out.add(m.get("args").get(0).asInt());
    }
    return out;
  }

  JsonNode call(ObjectNode command) {
    int id = ids.incrementAndGet();
    command.put("id", id);
    script.send(command);
    JsonNode e = script.await(x -> x.path("id").asInt(-1) == id
        && (x.path("event").asText().equals("result") || x.path("event").asText().equals("error")), WAIT);
    if (e.path("event").asText().equals("error")) {
      throw new AssertionError("recovery client: " + e.path("message").asText());
    }
    return e.get("value");
  }

  static ObjectNode op(String name) {
    return NodeScript.command().put("op", name);
  }

  void retarget(String url) {
    call(op("retarget").put("url", url));
  }

  void drop() {
    call(op("drop"));
  }

  /** {@code {id, connected, recovered, pid, offset}}. */
  JsonNode state() {
    return call(op("state"));
  }

  Object emitWithAck(String event, String arg) {
    ObjectNode c = op("emit").put("event", event).put("ack", true);
    c.putArray("args").add(arg);
    return call(c).asText();
  }

  @Override
  public void close() {
    script.close();
  }
}
