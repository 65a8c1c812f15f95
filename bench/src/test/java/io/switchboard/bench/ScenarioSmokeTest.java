package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.bench.load.LoadGenerator;
import io.switchboard.bench.load.LoadOptions;
import io.switchboard.bench.servers.BenchHttpServer;
import io.switchboard.bench.servers.RawNettyServer;
import io.switchboard.bench.servers.ServerArgs;
import io.switchboard.bench.servers.SwitchboardBenchServer;
import io.switchboard.server.Server;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every load scenario, tiny, against the Switchboard bench server and the raw-Netty floor running in this JVM: each
 * completes and reports sane numbers. Speed is never asserted; the numbers here mean nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ScenarioSmokeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PID = ProcessHandle.current().pid();

  private Server io;
  private BenchHttpServer switchboard;
  private BenchHttpServer raw;

  @BeforeAll
  void start() {
    ServerArgs args = ServerArgs.parse("--port", "0", "--threads", "2");
    io = SwitchboardBenchServer.create(args);
    switchboard = BenchHttpServer.start(args.address(), args.transport(), args.threads(), io::configure);
    raw = BenchHttpServer.start(args.address(), args.transport(), args.threads(), new RawNettyServer()::configure);
  }

  @AfterAll
  void stop() {
    io.close();
    switchboard.close();
    raw.close();
  }

  private JsonNode run(BenchHttpServer server, String scenario, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(server.port()), "--server-pid",
        String.valueOf(PID), "--threads", "1", "--warmup-ms", "200", "--duration-ms", "700", "--drain-ms", "3000",
        "--connect-timeout-ms", "20000"));
    args.addAll(List.of(extra));
    JsonNode r = JSON.readTree(LoadGenerator.run(LoadOptions.parse(scenario, args.toArray(String[]::new))));
    assertThat(r.path("scenario").asText()).isEqualTo(scenario);
    assertThat(r.path("connect_failures").asInt()).isZero();
    assertThat(r.path("errors")).isEmpty();
    return r;
  }

  @Test
  void connectReportsRateLatencyAndMemory() throws Exception {
    for (BenchHttpServer s : List.of(switchboard, raw)) {
      JsonNode r = run(s, "connect", "--clients", "50");
      assertThat(r.path("connected").asInt()).isEqualTo(50);
      assertThat(r.path("still_connected").asInt()).isEqualTo(50);
      assertThat(r.path("connects_per_s").asDouble()).isPositive();
      assertThat(r.path("p99_ms").asDouble()).isPositive().isGreaterThanOrEqualTo(r.path("p50_ms").asDouble());
      assertThat(r.path("server_rss_mb").asDouble()).isPositive();
      assertThat(r.has("live_heap_kb_per_conn")).isTrue();
    }
  }

  @Test
  void fanoutDeliversEveryBroadcastToEveryReceiver() throws Exception {
    for (BenchHttpServer s : List.of(switchboard, raw)) {
      JsonNode r = run(s, "fanout", "--clients", "20", "--rate", "100");
      assertThat(r.path("connected").asInt()).isEqualTo(20);
      assertThat(r.path("sent").asLong()).isPositive();
      assertThat(r.path("delivered").asLong()).isEqualTo(r.path("expected").asLong());
      assertThat(r.path("lost").asLong()).isZero();
      assertThat(r.path("deliveries_per_s").asDouble()).isPositive();
      assertThat(r.path("p999_ms").asDouble()).isGreaterThanOrEqualTo(r.path("p50_ms").asDouble());
      assertThat(r.path("server_cpu_s").asDouble()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void mixedFanoutReachesSocketIoPlainWebSocketAndSseReceivers() throws Exception {
    JsonNode r = run(switchboard, "mixed", "--clients", "12", "--rate", "100");
    assertThat(r.path("connected").asInt()).isEqualTo(12);
    assertThat(r.path("sent").asLong()).isPositive();
    assertThat(r.path("lost").asLong()).isZero();
    for (String kind : List.of("socketio", "plain_ws", "sse")) {
      JsonNode k = r.path("by_transport").path(kind);
      assertThat(k.path("receivers").asInt()).as(kind).isEqualTo(4);
      assertThat(k.path("delivered").asLong()).as(kind).isEqualTo(k.path("expected").asLong()).isPositive();
    }
  }

  @Test
  void saturatedFanoutKeepsItsWindow() throws Exception {
    JsonNode r = run(switchboard, "fanout", "--clients", "10", "--rate", "0", "--window", "4");
    assertThat(r.path("sent").asLong()).isPositive();
    assertThat(r.path("lost").asLong()).isZero();
  }

  @Test
  void echoAcksEveryRequest() throws Exception {
    for (BenchHttpServer s : List.of(switchboard, raw)) {
      JsonNode r = run(s, "echo", "--clients", "5", "--in-flight", "2");
      assertThat(r.path("acks").asLong()).isPositive().isEqualTo(r.path("sent").asLong());
      assertThat(r.path("acks_per_s").asDouble()).isPositive();
      assertThat(r.path("p50_ms").asDouble()).isPositive();
    }
  }

  @Test
  void deflateCompressesFanoutAndEchoFramesAndLosesNothing() throws Exception {
    ServerArgs args = ServerArgs.parse("--port", "0", "--threads", "2", "--deflate", "--deflate-threshold", "1024");
    Server deflating = SwitchboardBenchServer.create(args);
    BenchHttpServer http =
        BenchHttpServer.start(args.address(), args.transport(), args.threads(), deflating::configure);
    try {
      JsonNode f = run(http, "fanout", "--clients", "10", "--rate", "100", "--deflate", "--payload", "2048",
          "--padding", "words");
      assertThat(f.path("deflate_negotiated").asLong()).isGreaterThanOrEqualTo(10);
      assertThat(f.path("sent").asLong()).isPositive();
      assertThat(f.path("lost").asLong()).isZero();
      assertThat(f.path("delivered").asLong()).isEqualTo(f.path("expected").asLong());
      // every broadcast (2 KB, over the threshold) arrived compressed, and the wire carried less than the payloads
      assertThat(f.path("frames_in_compressed").asLong()).isGreaterThanOrEqualTo(f.path("delivered").asLong());
      assertThat(f.path("wire_bytes_in").asLong()).isLessThan(f.path("frames_in_compressed").asLong() * 2048 * 2 / 3);

      JsonNode e = run(http, "echo", "--clients", "5", "--deflate", "--payload", "2048", "--padding", "words");
      assertThat(e.path("deflate_negotiated").asLong()).isEqualTo(5);
      assertThat(e.path("acks").asLong()).isPositive().isEqualTo(e.path("sent").asLong());
      assertThat(e.path("frames_in_compressed").asLong()).isGreaterThanOrEqualTo(e.path("acks").asLong());
    } finally {
      deflating.close();
      http.close();
    }
    // the same offer to a server without --deflate: declined, every frame plain, nothing lost
    JsonNode plain = run(switchboard, "fanout", "--clients", "5", "--rate", "100", "--deflate", "--payload", "2048");
    assertThat(plain.path("deflate_negotiated").asLong()).isZero();
    assertThat(plain.path("frames_in_compressed").asLong()).isZero();
    assertThat(plain.path("frames_in").asLong()).isPositive();
    assertThat(plain.path("lost").asLong()).isZero();
  }

  @Test
  void slowReceiverDoesNotStopTheOthers() throws Exception {
    JsonNode r = run(switchboard, "slow", "--clients", "5", "--rate", "50", "--payload", "512");
    assertThat(r.path("slow_joined").asBoolean()).isTrue();
    assertThat(r.path("delivered").asLong()).isPositive().isEqualTo(r.path("expected").asLong());
    assertThat(r.path("server_rss_mb_max").asDouble()).isPositive();
  }

  @Test
  void roundsGiveOneLinePerRoundEachWithItsOwnCounts() throws Exception {
    for (String scenario : List.of("fanout", "echo", "connect", "slow")) {
      List<String> args = new ArrayList<>(List.of("--port", String.valueOf(switchboard.port()), "--server-pid",
          String.valueOf(PID), "--threads", "1", "--warmup-ms", "200", "--duration-ms", "400", "--drain-ms", "3000",
          "--connect-timeout-ms", "20000", "--rounds", "3", "--clients", "8", "--rate", "50", "--live-heap", "false"));
      List<String> lines = LoadGenerator.run(LoadOptions.parse(scenario, args.toArray(String[]::new))).lines().toList();
      assertThat(lines).as(scenario).hasSize(3);
      for (int i = 0; i < 3; i++) {
        JsonNode r = JSON.readTree(lines.get(i));
        assertThat(r.path("round").asInt()).as(scenario).isEqualTo(i + 1);
        assertThat(r.path("rounds").asInt()).as(scenario).isEqualTo(3);
        assertThat(r.path("lost").asLong()).as(scenario).isZero();
        if (!scenario.equals("connect")) {
          assertThat(r.path("sent").asLong()).as(scenario + " round " + (i + 1)).isPositive();
          // each round counts only what was sent in its own window: about 400 ms of load, never the sum so far
          long count = scenario.equals("echo") ? r.path("acks").asLong() : r.path("delivered").asLong();
          assertThat(count).as(scenario).isPositive();
        }
      }
    }
  }

  @Test
  void crowdGeneratorsAgreeOnTheRoundsAndTheMergeCountsEveryDelivery(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    long startAt = System.currentTimeMillis() + 5000; // both generators connected by then, even on a busy CI
    List<java.util.concurrent.Future<String>> runs = new ArrayList<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (int k = 0; k < 2; k++) {
        String[] args = {"--port", String.valueOf(switchboard.port()), "--port2", String.valueOf(switchboard.port()),
            "--clients", "6", "--threads", "1", "--source-base", String.valueOf(20 + 4 * k), "--sources", "4",
            "--emit", String.valueOf(k == 0), "--rate", "20", "--start-at", String.valueOf(startAt),
            "--duration-ms", "500", "--drain-ms", "2000", "--rounds", "2", "--connect-timeout-ms", "20000"};
        runs.add(pool.submit(() -> LoadGenerator.run(LoadOptions.parse("crowd", args))));
      }
      List<java.nio.file.Path> files = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        java.nio.file.Path f = dir.resolve("gen-" + k + ".json");
        java.nio.file.Files.writeString(f, runs.get(k).get());
        files.add(f);
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.PrintStream old = System.out;
      System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
      try {
        LoadGenerator.crowdMerge(files.stream().map(java.nio.file.Path::toString).toArray(String[]::new));
      } finally {
        System.setOut(old);
      }
      List<String> merged = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      assertThat(merged).hasSize(2);
      for (String line : merged) {
        JsonNode r = JSON.readTree(line);
        assertThat(r.path("generators").asInt()).isEqualTo(2);
        assertThat(r.path("emitters").asInt()).isEqualTo(1);
        assertThat(r.path("receivers").asInt()).isEqualTo(12);
        assertThat(r.path("sent").asLong()).isPositive();
        assertThat(r.path("expected").asLong()).isEqualTo(r.path("sent").asLong() * 12);
        assertThat(r.path("delivered").asLong()).isEqualTo(r.path("expected").asLong());
        assertThat(r.path("lost").asLong()).isZero();
        assertThat(r.path("p99_ms").asDouble()).isGreaterThanOrEqualTo(r.path("p50_ms").asDouble()).isPositive();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
