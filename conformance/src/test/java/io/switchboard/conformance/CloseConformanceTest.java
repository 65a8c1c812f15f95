package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A client ends its session with a CLOSE packet ({@code 1}). */
class CloseConformanceTest extends EngineConformanceTest {
  @Nested
  class OverLongPolling {
    @Test
    void aClosePacketReleasesThePendingPollWithANoopAndEndsTheSession() {
      String sid = eio.openPolling().sid();
      CompletableFuture<HttpResponse<String>> poll = eio.pollAsync(sid);
      CompletableFuture<HttpResponse<String>> push = eio.pushAsync(sid, "1");
      HttpResponse<String> released = eio.join(poll);
      assertThat(released.statusCode()).isEqualTo(200);
      assertThat(released.body()).isEqualTo("6");
      assertThat(eio.join(push).statusCode()).isEqualTo(200);
      assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
    }
  }

  @Nested
  class OverWebSocket {
    @Test
    void aClosePacketClosesTheConnection() {
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        String sid = EngineHttpClient.parseOpen(ws.awaitText(WAIT)).sid();
        ws.sendText("1");
        ws.awaitEnd(WAIT);
        assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
      }
    }
  }
}
