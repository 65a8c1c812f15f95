package io.switchboard.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a results directory ({@code <dir>/<server>/<case>.json}, one JSON line per measured round, written by
 * {@code bench/run.sh}) into the Markdown and JSON tables of {@code docs/benchmarks.md}: one row per metric, one column
 * per server, each cell the median of the rounds with their spread, {@code median (min–max)}, loss rows the sum of
 * the rounds, the ratios Switchboard/Node and Switchboard/netty-socketio, and a closing line naming every loss.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar report bench/results docs/benchmarks.md
 * }</pre>
 *
 * <p>The Markdown table replaces what lies between {@code <!-- results:begin -->} and {@code <!-- results:end -->} in
 * the document (the rest of the document is left alone); the JSON table goes to {@code <dir>/table.json}.
 */
public final class Report {
  static final String BEGIN = "<!-- results:begin -->";
  static final String END = "<!-- results:end -->";
  static final List<String> ALL_SERVERS =
      List.of("switchboard", "node", "netty-socketio", "raw-netty", "switchboard-direct", "switchboard-executor");
  static final Map<String, String> TITLES = Map.of("switchboard", "Switchboard", "node", "Node socket.io 4.8.4",
      "netty-socketio", "netty-socketio 2.0.14", "raw-netty", "raw Netty (floor)",
      "switchboard-direct", "Switchboard, handlers on the I/O thread",
      "switchboard-executor", "Switchboard, handlers on the executor");
  /** Variants shown only when the results directory has them. */
  static final Set<String> OPTIONAL = Set.of("switchboard-direct", "switchboard-executor");

  static final List<Metric> METRICS = List.of(
      new Metric("fanout-50k", "server_cpu_us_per_delivery", "fan-out 1,000 receivers at 50k deliveries/s: server CPU per delivery", "µs", true),
      new Metric("fanout-50k", "p50_ms", "fan-out at 50k/s: latency p50", "ms", true),
      new Metric("fanout-50k", "p99_ms", "fan-out at 50k/s: latency p99", "ms", true),
      new Metric("fanout-50k", "p999_ms", "fan-out at 50k/s: latency p99.9", "ms", true),
      Metric.loss("fanout-50k", "lost", "fan-out at 50k/s: deliveries lost (all rounds)"),
      new Metric("fanout-sat", "deliveries_per_s", "fan-out saturated, server on one core: deliveries/s", "/s", false),
      new Metric("fanout-sat", "server_cpu_us_per_delivery", "fan-out saturated: server CPU per delivery", "µs", true),
      new Metric("fanout-sat", "p99_ms", "fan-out saturated: latency p99", "ms", true),
      Metric.loss("fanout-sat", "lost", "fan-out saturated: deliveries lost (all rounds)"),
      new Metric("fanout-sat-2cores", "deliveries_per_s", "fan-out saturated, server on both cores (generator shares them): deliveries/s", "/s", false),
      Metric.loss("fanout-sat-2cores", "lost", "fan-out saturated, both cores: deliveries lost (all rounds)"),
      new Metric("echo-100x1", "server_cpu_us_per_ack", "echo with ack, 100 clients × 1 in flight: server CPU per round trip", "µs", true),
      new Metric("echo-100x1", "acks_per_s", "echo 100 × 1: round trips/s", "/s", false),
      new Metric("echo-100x1", "p99_ms", "echo 100 × 1: latency p99", "ms", true),
      Metric.loss("echo-100x1", "lost", "echo 100 × 1: acks lost (all rounds)"),
      new Metric("connect-19k", "connects_per_s", "connect 19,000 clients: connects/s", "/s", false),
      new Metric("connect-19k", "server_cpu_us_per_connect", "connect 19,000 (Engine.IO open + Socket.IO CONNECT): server CPU per connect", "µs", true),
      new Metric("connect-19k", "p99_ms", "connect 19,000: handshake p99", "ms", true),
      new Metric("connect-19k", "rss_kb_per_conn", "idle connection (19k): RSS per connection", "KB", true),
      new Metric("connect-19k", "live_heap_kb_per_conn", "idle connection (19k): live heap per connection", "KB", true),
      Metric.loss("connect-19k", "lost", "connect 19,000: connections failed or dropped (all rounds)"),
      new Metric("slow", "p99_ms", "one stalled receiver, others flooded: others' p99", "ms", true),
      Metric.loss("slow", "lost", "stalled receiver: others' deliveries lost (all rounds)"),
      new Metric("slow", "server_rss_mb_max", "stalled receiver: server RSS peak", "MB", true),
      new Metric("mixed-fanout", "p99_ms", "fan-out to Socket.IO, plain WebSocket and SSE receivers: latency p99", "ms", true),
      Metric.loss("mixed-fanout", "lost", "mixed fan-out: deliveries lost (all rounds)"),
      new Metric("cluster", "server_cpu_us_per_delivery", "cluster of 2 through Redis, 1,000 receivers at 50k/s: CPU per delivery (both servers)", "µs", true),
      new Metric("cluster", "p99_ms", "cluster through Redis: latency p99", "ms", true),
      Metric.loss("cluster", "lost", "cluster through Redis: deliveries lost (all rounds)"));

  /**
   * The rounds of one cell: their median, smallest, largest and sum.
   *
   * @param median the median of the rounds (the mean of the middle two for an even count)
   * @param min    the smallest round
   * @param max    the largest round
   * @param sum    the rounds added up
   * @param rounds how many rounds had the field
   */
  record Cell(double median, double min, double max, double sum, int rounds) {
    /** The cell of {@code values}, or null when there are none. */
    static Cell of(List<Double> values) {
      if (values.isEmpty()) {
        return null;
      }
      double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int n = v.length;
      double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      return new Cell(median, v[0], v[n - 1], java.util.Arrays.stream(v).sum(), n);
    }
  }

  private Report() {}

  public static void main(String... args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: report <results-dir> <doc.md>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Path doc = Path.of(args[1]);
    ObjectMapper mapper = new ObjectMapper();
    Map<String, Map<String, JsonNode>> results = read(dir, mapper);
    List<String> servers = ALL_SERVERS.stream().filter(s -> !OPTIONAL.contains(s) || !results.get(s).isEmpty()).toList();
    Path env = dir.resolve("env.md");
    String table = (Files.exists(env) ? Files.readString(env, StandardCharsets.UTF_8) + "\n" : "") + markdown(results, servers);
    Files.writeString(dir.resolve("table.md"), table, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("table.json"),
        mapper.writerWithDefaultPrettyPrinter().writeValueAsString(json(results, servers, mapper)), StandardCharsets.UTF_8);
    String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : BEGIN + "\n" + END + "\n";
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    if (b < 0 || e < b) {
      text = text + "\n" + BEGIN + "\n" + END + "\n";
      b = text.indexOf(BEGIN);
      e = text.indexOf(END);
    }
    String out = text.substring(0, b + BEGIN.length()) + "\n" + table + text.substring(e);
    Files.writeString(doc, out, StandardCharsets.UTF_8);
    System.out.println(table);
  }

  /**
   * Reads {@code <dir>/<server>/<case>.json}: each file one JSON line per measured round (lines that are not JSON, of a
   * crashed run, are skipped); a case is an array of its rounds.
   */
  static Map<String, Map<String, JsonNode>> read(Path dir, ObjectMapper mapper) throws IOException {
    Map<String, Map<String, JsonNode>> results = new LinkedHashMap<>();
    for (String server : ALL_SERVERS) {
      Map<String, JsonNode> cases = new LinkedHashMap<>();
      Path d = dir.resolve(server);
      if (Files.isDirectory(d)) {
        try (var files = Files.list(d)) {
          for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
            ArrayNode rounds = mapper.createArrayNode();
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
              if (line.trim().startsWith("{")) {
                try {
                  rounds.add(mapper.readTree(line));
                } catch (IOException ignored) {
                  // a run that crashed leaves no JSON or half a line; its cells stay empty
                }
              }
            }
            if (!rounds.isEmpty()) {
              cases.put(f.getFileName().toString().replace(".json", ""), rounds);
            }
          }
        }
      }
      results.put(server, cases);
    }
    return results;
  }

  /** The rounds of one cell, or null when the case did not run or has no such field. */
  static Cell cell(Map<String, Map<String, JsonNode>> results, String server, Metric m) {
    JsonNode rounds = results.getOrDefault(server, Map.of()).get(m.caseName());
    if (rounds == null) {
      return null;
    }
    List<Double> values = new java.util.ArrayList<>();
    for (JsonNode r : rounds) {
      if (r.hasNonNull(m.field())) {
        values.add(r.get(m.field()).asDouble());
      }
    }
    return Cell.of(values);
  }

  /** The number a cell stands for: the sum of the rounds for a loss row, their median otherwise; or null. */
  static Double value(Map<String, Map<String, JsonNode>> results, String server, Metric m) {
    Cell c = cell(results, server, m);
    return c == null ? null : m.total() ? c.sum() : c.median();
  }

  /** {@code median (min–max)} of the rounds; the sum for a loss row; one round alone as its number. */
  static String formatCell(Cell c, Metric m) {
    if (c == null) {
      return "";
    }
    if (m.total()) {
      return format(c.sum());
    }
    if (c.rounds() == 1) {
      return format(c.median());
    }
    return format(c.median()) + " (" + format(c.min()) + "–" + format(c.max()) + ")";
  }

  /**
   * The closing line: {@code No message or ack lost anywhere.}, or every server and case that lost something (the
   * {@code lost} and {@code connect_failures} fields, summed over the rounds).
   */
  static String lossLine(Map<String, Map<String, JsonNode>> results) {
    List<String> losses = new java.util.ArrayList<>();
    results.forEach((server, cases) -> cases.forEach((name, rounds) -> {
      long lost = 0;
      long failed = 0;
      for (JsonNode r : rounds) {
        lost += r.path("lost").asLong(0);
        failed += r.path("connect_failures").asLong(0);
      }
      if (lost > 0 || failed > 0) {
        losses.add(server + "/" + name + ": " + lost + " lost" + (failed > 0 ? ", " + failed + " connect failures" : ""));
      }
    }));
    return losses.isEmpty() ? "No message or ack lost anywhere."
        : "Losses: " + String.join("; ", losses) + ".";
  }

  static String markdown(Map<String, Map<String, JsonNode>> results, List<String> servers) {
    StringBuilder sb = new StringBuilder();
    sb.append("| metric |");
    for (String s : servers) {
      sb.append(' ').append(TITLES.get(s)).append(" |");
    }
    sb.append(" Switchboard / Node | Switchboard / netty-socketio |\n|---|");
    sb.append("---:|".repeat(servers.size())).append("---:|---:|\n");
    for (Metric m : METRICS) {
      if (servers.stream().allMatch(s -> cell(results, s, m) == null)) {
        continue; // a case left out (--cases) or failed everywhere: no empty row
      }
      sb.append("| ").append(m.title()).append(m.unit().isEmpty() ? "" : " (" + m.unit() + ")").append(" |");
      for (String s : servers) {
        sb.append(' ').append(formatCell(cell(results, s, m), m)).append(" |");
      }
      sb.append(' ').append(ratio(value(results, "switchboard", m), value(results, "node", m), m)).append(" |");
      sb.append(' ').append(ratio(value(results, "switchboard", m), value(results, "netty-socketio", m), m))
          .append(" |\n");
    }
    sb.append("\nEach cell is the median of the measured rounds (after a warm-up of the same scenario) with the ")
        .append("smallest and largest round in brackets; loss rows add up all rounds. Ratios are Switchboard's median ")
        .append("divided by the reference's; ✓ marks where Switchboard is better (lower CPU, latency, memory, loss; ")
        .append("higher rates). Empty cells: the case did not run or failed there; rows of cases that ran nowhere are left out.\n\n")
        .append(lossLine(results)).append('\n');
    return sb.toString();
  }

  static ObjectNode json(Map<String, Map<String, JsonNode>> results, List<String> servers, ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode rows = root.putArray("rows");
    for (Metric m : METRICS) {
      ObjectNode row = rows.addObject();
      row.put("case", m.caseName()).put("field", m.field()).put("title", m.title()).put("unit", m.unit())
          .put("lower_is_better", m.lowerIsBetter());
      ObjectNode values = row.putObject("values");
      ObjectNode spread = row.putObject("spread");
      for (String s : servers) {
        Double v = value(results, s, m);
        Cell c = cell(results, s, m);
        if (v == null) {
          values.putNull(s);
          spread.putNull(s);
        } else {
          values.put(s, v);
          spread.putObject(s).put("median", c.median()).put("min", c.min()).put("max", c.max())
              .put("sum", c.sum()).put("rounds", c.rounds());
        }
      }
      putRatio(row, "switchboard_over_node", value(results, "switchboard", m), value(results, "node", m));
      putRatio(row, "switchboard_over_netty_socketio", value(results, "switchboard", m),
          value(results, "netty-socketio", m));
    }
    root.put("losses", lossLine(results));
    ObjectNode raw = root.putObject("results");
    results.forEach((server, cases) -> {
      ObjectNode s = raw.putObject(server);
      cases.forEach(s::set);
    });
    return root;
  }

  private static void putRatio(ObjectNode row, String name, Double a, Double b) {
    if (a == null || b == null || b == 0) {
      row.putNull(name);
    } else {
      row.put(name, a / b);
    }
  }

  private static String ratio(Double a, Double b, Metric m) {
    if (a == null || b == null || b == 0) {
      return "";
    }
    double r = a / b;
    boolean better = m.lowerIsBetter() ? r < 1 : r > 1;
    return String.format(Locale.ROOT, "%.2f%s", r, better ? " ✓" : "");
  }

  private static String format(Double v) {
    if (v == null) {
      return "";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.1f", v).replace(".0", "");
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
