package io.switchboard.bench.load;

/**
 * One bounded load scenario against a running server; it returns one line of JSON results.
 *
 * <pre>{@code
 * List<JsonLine> rounds = Scenario.named("echo").run(LoadOptions.parse("echo", "--port", "3000"));
 * rounds.forEach(System.out::println);
 * }</pre>
 */
interface Scenario {
  /**
   * Runs the scenario and returns one line per measured round ({@link LoadOptions#rounds()}); it stops by itself within
   * its warm-up, rounds × (duration + drain) and connect bounds.
   */
  java.util.List<JsonLine> run(LoadOptions options) throws Exception;

  /**
   * The scenario called {@code name}: {@code connect}, {@code fanout}, {@code echo}, {@code slow}, or {@code cluster}
   * (the fan-out with the clients split between two servers linked by an adapter).
   */
  static Scenario named(String name) {
    return switch (name) {
      case "connect" -> new ConnectScenario();
      case "fanout", "cluster", "mixed" -> new FanoutScenario();
      case "echo" -> new EchoScenario();
      case "slow" -> new SlowScenario();
      case "crowd" -> new CrowdScenario();
      default -> throw new IllegalArgumentException("unknown scenario " + name);
    };
  }

  /**
   * The fields every result starts with; with {@code --deflate}, also the connections that negotiated
   * {@code permessage-deflate} and what the clients received over the whole run (warm-up and drain included).
   */
  static JsonLine header(LoadOptions o, ClientPool pool) {
    JsonLine line = new JsonLine()
        .put("scenario", o.scenario())
        .put("server", o.label())
        .put("clients", o.clients())
        .put("generator_transport", pool.transport().label())
        .put("generator_threads", o.threads())
        .put("padding", o.padding())
        .put("deflate", o.deflate());
    if (o.deflate()) {
      WireStats w = pool.wire();
      line.put("deflate_negotiated", w.deflateNegotiated())
          .put("frames_in", w.framesIn())
          .put("frames_in_compressed", w.compressedFramesIn())
          .put("wire_bytes_in", w.bytesIn());
    }
    return line;
  }
}
