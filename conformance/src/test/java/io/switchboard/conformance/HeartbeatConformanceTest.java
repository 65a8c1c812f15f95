package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The server pings every 300 ms and ends a session whose client has not answered within 200 ms. */
class HeartbeatConformanceTest extends EngineConformanceTest {
  @Nested
  class OverLongPolling {
    @Test
    void eachPingAnsweredWithAPongKeepsTheSessionAlive() {
      String sid = eio.openPolling().sid();
      for (int round = 0; round < 3; round++) {
        HttpResponse<String> poll = eio.poll(sid);
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.body()).as("ping %d", round).isEqualTo("2");
        assertThat(eio.push(sid, "3").statusCode()).isEqualTo(200);
      }
    }

    @Test
    void aSessionThatNeverAnswersPingsIsEnded() {
      long start = System.nanoTime();
      String sid = eio.openPolling().sid();
      // keep polling without ever sending a pong: the first answer is the ping, then the session must go away
      assertThat(eio.poll(sid).body()).isEqualTo("2");
      int status = Await.value("a poll refused once the session ends", WAIT, () -> {
        try {
          int s = eio.poll(sid).statusCode();
          return s == 200 ? null : s;
        } catch (UncheckedIOException droppedWhileClosing) {
          return null; // poll again: the next request must get the refusal
        }
      });
      assertThat(status).isEqualTo(400);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
  }

  @Nested
  class OverWebSocket {
    @Test
    void eachPingAnsweredWithAPongKeepsTheSessionAlive() {
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        EngineHttpClient.parseOpen(ws.awaitText(WAIT));
        for (int round = 0; round < 3; round++) {
          assertThat(ws.awaitText(WAIT)).as("ping %d", round).isEqualTo("2");
          ws.sendText("3");
        }
      }
    }

    @Test
    void aSessionThatNeverAnswersPingsIsClosed() {
      long start = System.nanoTime();
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        EngineHttpClient.parseOpen(ws.awaitText(WAIT));
        ws.awaitEnd(WAIT);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
  }
}
