package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Messages echoed back over each transport, and sessions closed by malformed or overlapping requests. */
class MessageConformanceTest extends EngineConformanceTest {
  @Nested
  class OverLongPolling {
    private void assertEchoed(String... packets) {
      String sid = eio.openPolling().sid();
      HttpResponse<String> push = eio.push(sid, packets);
      assertThat(push.statusCode()).isEqualTo(200);
      assertThat(push.body()).isEqualTo("ok");
      HttpResponse<String> poll = eio.poll(sid);
      assertThat(poll.statusCode()).isEqualTo(200);
      assertThat(poll.body()).isEqualTo(EngineHttpClient.payload(packets));
    }

    @Test
    void oneTextPacketComesBack() {
      assertEchoed("4hello");
    }

    @Test
    void severalTextPacketsComeBackInOnePayloadInOrder() {
      assertEchoed("4first", "4second", "4third");
    }

    @Test
    void textAndBase64BinaryPacketsComeBackAsSent() {
      assertEchoed("4hi there", "bAQIDBA==");
    }

    @Test
    void aMalformedPayloadEndsTheSession() {
      String sid = eio.openPolling().sid();
      try {
        assertThat(eio.push(sid, "xyz").statusCode()).isEqualTo(400);
      } catch (UncheckedIOException connectionDropped) {
        // closing the connection is an acceptable answer too
      }
      assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
    }

    @Test
    void aSecondConcurrentPollIsRefusedAndEndsTheSession() throws Exception {
      String sid = eio.openPolling().sid();
      CompletableFuture<HttpResponse<String>> first = eio.pollAsync(sid);
      // the first GET is held by the server (nothing to send yet); wait until it has arrived
      Await.until("the first GET is pending", WAIT, () -> server.engine().socket(sid).isWritable());
      HttpResponse<String> second = eio.get("transport=polling&sid=" + sid + "&t=second");
      assertThat(second.statusCode()).isIn(400, 500);
      HttpResponse<String> firstAnswer = eio.join(first);
      assertThat(firstAnswer.statusCode()).isEqualTo(200);
      assertThat(firstAnswer.body()).isEqualTo("1");
      assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
    }
  }

  @Nested
  class OverWebSocket {
    @Test
    void aTextPacketComesBack() {
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        EngineHttpClient.parseOpen(ws.awaitText(WAIT));
        ws.sendText("4hello");
        assertThat(ws.awaitText(WAIT)).isEqualTo("4hello");
      }
    }

    @Test
    void aBinaryFrameComesBackAsABinaryFrame() {
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        EngineHttpClient.parseOpen(ws.awaitText(WAIT));
        ws.sendBinary(new byte[] {1, 2, 3, 4});
        assertThat(ws.awaitBinary(WAIT)).containsExactly(1, 2, 3, 4);
      }
    }

    @Test
    void aMalformedPacketClosesTheConnection() {
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        EngineHttpClient.parseOpen(ws.awaitText(WAIT));
        ws.sendText("xyz");
        ws.awaitEnd(WAIT);
      }
    }
  }
}
