package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat's management port, scraped like Prometheus does while three npm {@code socket.io-client}s use the chat:
 * the connections gauge says three, the event counters move, an unanswered private message is an ack timeout, and
 * the JVM's meters are there; the public port does not serve {@code /metrics}.
 */
class MetricsEndpointTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  static Path dataDir;

  private static ChatApp app;

  @BeforeAll
  static void start() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).metricsPort(0)
        .timing(ChatTiming.DEFAULT.withPrivateAckTimeout(Duration.ofMillis(500))).build());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void scrapeSeesConnectionsEventsAndAckTimeouts() throws Exception {
    String before = scrape();
    assertThat(before).contains("# TYPE switchboard_connections gauge");
    assertThat(before).contains("jvm_memory_used_bytes").contains("process_cpu_usage").contains("process_uptime_seconds");
    assertThat(sum(before, "switchboard_connections", "namespace=\"/\"")).isZero();

    try (ChatClients clients = ChatClients.start("http://127.0.0.1:" + app.port())) {
      String alice = "alice", bob = "bob", carol = "carol";
      clients.open(alice, token(alice));
      clients.open(bob, token(bob), false);     // bob's page never answers private messages: they time out
      clients.open(carol, token(carol));
      for (String id : new String[] {alice, bob, carol}) {
        clients.awaitConnected(id);
      }
      Await.until("three sockets counted", WAIT,
          () -> sum(scrape(), "switchboard_connections", "namespace=\"/\"") == 3);

      double received = sum(scrape(), "switchboard_events_received_total", "namespace=\"/\"");
      clients.request(alice, "room:join", "lobby");
      clients.request(carol, "room:join", "lobby");
      clients.request(alice, "room:message", Map.of("room", "lobby", "text", "hello"));
      clients.awaitEvent(carol, "chat:message");
      clients.request(alice, "chat:private", Map.of("to", bob, "text", "are you there?"));

      Await.until("an ack timeout counted", WAIT,
          () -> sum(scrape(), "switchboard_ack_timeouts_total", "namespace=\"/\"") >= 1);
      String after = scrape();
      assertThat(sum(after, "switchboard_events_received_total", "namespace=\"/\"")).isGreaterThanOrEqualTo(received + 4);
      assertThat(sum(after, "switchboard_events_named_received_total", "event=\"room:message\"")).isEqualTo(1);
      assertThat(sum(after, "switchboard_events_sent_total", "namespace=\"/\"")).isPositive();
      assertThat(sum(after, "switchboard_broadcast_deliveries_total", "namespace=\"/\"")).isPositive();
      assertThat(sum(after, "switchboard_connects_total", "namespace=\"/\"")).isEqualTo(3);
      assertThat(sum(after, "switchboard_received_bytes_total", "")).isPositive();
      assertThat(after).contains("switchboard_http_connections").contains("switchboard_handler_time_seconds");
    }
    Await.until("the sockets counted out", WAIT,
        () -> sum(scrape(), "switchboard_connections", "namespace=\"/\"") == 0);
    assertThat(sum(scrape(), "switchboard_disconnects_total", "namespace=\"/\"")).isEqualTo(3);
  }

  @Test
  void thePublicPortDoesNotServeMetrics() throws Exception {
    HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(res.body()).doesNotContain("switchboard_connections");
  }

  @Test
  void metricsAreOffWithoutTheFlagAndOnLoopbackByDefault() {
    assertThat(ChatConfig.parse(new String[0], Map.of()).metricsPort()).isEmpty();
    ChatConfig on = ChatConfig.parse(new String[] {"--metrics-port", "9464"}, Map.of());
    assertThat(on.metricsPort()).contains(9464);
    assertThat(on.metricsHost()).isEqualTo("127.0.0.1");
  }

  private static String token(String user) {
    return app.service().login(user, "secret1").join();
  }

  static String scrape() {
    try {
      HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + app.metricsPort().getAsInt() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      return res.body();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of the samples of {@code metric} whose labels contain {@code label} (e.g. {@code reason="x"}). */
  static double sum(String scrape, String metric, String label) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
    double total = 0;
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (labels.contains(label)) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }
}
