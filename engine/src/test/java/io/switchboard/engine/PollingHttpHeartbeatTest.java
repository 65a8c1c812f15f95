package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat with short settings, raw over HTTP and WebSocket: pings every {@code pingInterval}, a session without
 * a pong within {@code pingTimeout} ends with {@link CloseReason#PING_TIMEOUT}, and one that answers stays.
 */
class PollingHttpHeartbeatTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .pingInterval(INTERVAL)
        .pingTimeout(TIMEOUT)
        .build());
    eio = server.eio();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theHandshakeAdvertisesTheSettings() {
    EngineHttpClient.Handshake open = eio.openPolling();
    assertThat(open.pingInterval()).isEqualTo(INTERVAL.toMillis());
    assertThat(open.pingTimeout()).isEqualTo(TIMEOUT.toMillis());
  }

  @Test
  void aPollingSessionThatNeverAnswersEndsWithPingTimeout() {
    long start = System.nanoTime();
    String sid = eio.openPolling().sid();
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.PING_TIMEOUT);
    Duration lived = Duration.ofNanos(System.nanoTime() - start);
    assertThat(lived).isGreaterThanOrEqualTo(INTERVAL.plus(TIMEOUT).minusMillis(50));
    assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
  }

  @Test
  void aPollingSessionThatAnswersStaysOpen() {
    String sid = eio.openPolling().sid();
    for (int i = 0; i < 5; i++) {
      assertThat(eio.poll(sid).body()).isEqualTo("2");
      assertThat(eio.push(sid, "3").body()).isEqualTo("ok");
    }
    assertThat(server.engine().socket(sid).isOpen()).isTrue();
  }

  @Test
  void aWebSocketSessionThatNeverAnswersIsClosedWithPingTimeout() {
    try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
      String sid = EngineHttpClient.parseOpen(ws.awaitText(WAIT)).sid();
      assertThat(ws.awaitText(WAIT)).isEqualTo("2");
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.PING_TIMEOUT);
      ws.awaitEnd(WAIT);
    }
  }

  @Test
  void aWebSocketSessionThatAnswersStaysOpen() {
    try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
      String sid = EngineHttpClient.parseOpen(ws.awaitText(WAIT)).sid();
      for (int i = 0; i < 5; i++) {
        assertThat(ws.awaitText(WAIT)).isEqualTo("2");
        ws.sendText("3");
      }
      assertThat(server.engine().socket(sid).isOpen()).isTrue();
      ws.sendText("4alive");
      assertThat(ws.awaitText(p -> !p.equals("2"), WAIT)).isEqualTo("4alive");
    }
  }
}
