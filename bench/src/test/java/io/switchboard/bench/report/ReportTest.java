package io.switchboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The median, spread and loss lines the report computes from the rounds of each case. */
class ReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Metric P99 = new Metric("echo-100x1", "p99_ms", "echo p99", "ms", true);
  private static final Metric LOST = Metric.loss("echo-100x1", "lost", "echo lost");

  @TempDir
  Path dir;

  private void write(String server, String name, String... lines) throws Exception {
    Files.createDirectories(dir.resolve(server));
    Files.writeString(dir.resolve(server).resolve(name + ".json"), String.join("\n", lines) + "\n",
        StandardCharsets.UTF_8);
  }

  @Test
  void medianOfAnOddNumberOfRoundsIsTheMiddleOneWithTheSpread() {
    Report.Cell c = Report.Cell.of(List.of(9.0, 1.0, 4.0));
    assertThat(c.median()).isEqualTo(4.0);
    assertThat(c.min()).isEqualTo(1.0);
    assertThat(c.max()).isEqualTo(9.0);
    assertThat(c.sum()).isEqualTo(14.0);
    assertThat(c.rounds()).isEqualTo(3);
  }

  @Test
  void medianOfAnEvenNumberOfRoundsIsTheMeanOfTheMiddleTwo() {
    assertThat(Report.Cell.of(List.of(10.0, 2.0, 4.0, 100.0)).median()).isEqualTo(7.0);
    assertThat(Report.Cell.of(List.of())).isNull();
  }

  @Test
  void cellsShowMedianAndSpreadAndLossRowsTheSum() throws Exception {
    write("switchboard", "echo-100x1",
        "{\"round\":1,\"p99_ms\":2.5,\"lost\":0}",
        "{\"round\":2,\"p99_ms\":1.5,\"lost\":3}",
        "{\"round\":3,\"p99_ms\":7,\"lost\":1}");
    write("node", "echo-100x1", "{\"round\":1,\"p99_ms\":5,\"lost\":0}");
    Map<String, Map<String, JsonNode>> r = Report.read(dir, JSON);
    assertThat(Report.formatCell(Report.cell(r, "switchboard", P99), P99)).isEqualTo("2.50 (1.50–7)");
    assertThat(Report.formatCell(Report.cell(r, "node", P99), P99)).isEqualTo("5");
    assertThat(Report.value(r, "switchboard", LOST)).isEqualTo(4.0);
    assertThat(Report.formatCell(Report.cell(r, "switchboard", LOST), LOST)).isEqualTo("4");
    assertThat(Report.value(r, "switchboard", P99)).isEqualTo(2.5);
    assertThat(Report.cell(r, "raw-netty", P99)).isNull();
    String table = Report.markdown(r, List.of("switchboard", "node"));
    assertThat(table).contains("| echo 100 × 1: latency p99 (ms) | 2.50 (1.50–7) | 5 | 0.50 ✓ |");
    assertThat(table).contains("Losses: switchboard/echo-100x1: 4 lost.");
    assertThat(table).doesNotContain("fan-out"); // no row for a case that ran nowhere
  }

  @Test
  void noLossAnywhereSaysSoAndConnectFailuresCountAsLosses() throws Exception {
    write("switchboard", "echo-100x1", "{\"round\":1,\"lost\":0}", "{\"round\":2,\"lost\":0}");
    write("node", "connect-19k", "{\"round\":1,\"lost\":0,\"connect_failures\":0}");
    assertThat(Report.lossLine(Report.read(dir, JSON))).isEqualTo("No message or ack lost anywhere.");
    write("node", "connect-19k", "{\"round\":1,\"lost\":2,\"connect_failures\":2}");
    assertThat(Report.lossLine(Report.read(dir, JSON)))
        .isEqualTo("Losses: node/connect-19k: 2 lost, 2 connect failures.");
  }

  @Test
  void aCrashedRunsHalfLineIsSkippedAndTheRoundsBeforeItCount() throws Exception {
    write("switchboard", "echo-100x1", "{\"round\":1,\"p99_ms\":3}", "{\"round\":2,\"p99_ms\":1}", "{\"round\":3,");
    Report.Cell c = Report.cell(Report.read(dir, JSON), "switchboard", P99);
    assertThat(c.rounds()).isEqualTo(2);
    assertThat(c.median()).isEqualTo(2.0);
  }

  @Test
  void mainWritesTheTableBetweenTheMarkersAndTheJsonWithSpread() throws Exception {
    write("switchboard", "echo-100x1", "{\"round\":1,\"p99_ms\":3}", "{\"round\":2,\"p99_ms\":1}",
        "{\"round\":3,\"p99_ms\":2}");
    Path doc = dir.resolve("doc.md");
    Files.writeString(doc, "intro\n" + Report.BEGIN + "\nold\n" + Report.END + "\noutro\n", StandardCharsets.UTF_8);
    Report.main(dir.toString(), doc.toString());
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertThat(text).startsWith("intro\n").endsWith(Report.END + "\noutro\n").doesNotContain("old");
    assertThat(text).contains("| 2 (1–3) |");
    JsonNode row = null;
    for (JsonNode r : JSON.readTree(dir.resolve("table.json").toFile()).path("rows")) {
      if (r.path("case").asText().equals("echo-100x1") && r.path("field").asText().equals("p99_ms")) {
        row = r;
      }
    }
    assertThat(row).isNotNull();
    assertThat(row.path("values").path("switchboard").asDouble()).isEqualTo(2.0);
    assertThat(row.path("spread").path("switchboard").path("min").asDouble()).isEqualTo(1.0);
    assertThat(row.path("spread").path("switchboard").path("max").asDouble()).isEqualTo(3.0);
    assertThat(row.path("spread").path("switchboard").path("rounds").asInt()).isEqualTo(3);
  }
}
