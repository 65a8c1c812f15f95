package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.Transport;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A long-polling session moves to WebSocket: probe, noop to release the poll, upgrade; nothing else may take over. */
class UpgradeConformanceTest extends EngineConformanceTest {
  private static void awaitUpgraded(String sid) {
    Await.until("session " + sid + " upgraded", WAIT,
        () -> server.engine().socket(sid).transport() == Transport.WEBSOCKET);
  }

  /** A WebSocket that sends its probe and the upgrade back to back, once the server has switched to it. */
  private static WebSocketRecorder upgradeAtOnce(String sid) {
    WebSocketRecorder ws = eio.websocket("transport=websocket&sid=" + sid).autoPong(true);
    ws.sendText("2probe");
    ws.sendText("5");
    assertThat(ws.awaitText(WAIT)).isEqualTo("3probe");
    awaitUpgraded(sid);
    return ws;
  }

  @Test
  void aProbedWebSocketTakesOverFromLongPolling() {
    String sid = eio.openPolling().sid();
    try (WebSocketRecorder ws = eio.websocket("transport=websocket&sid=" + sid).autoPong(true)) {
      ws.sendText("2probe");
      assertThat(ws.awaitText(WAIT)).isEqualTo("3probe");
      HttpResponse<String> poll = eio.poll(sid);
      assertThat(poll.statusCode()).isEqualTo(200);
      assertThat(poll.body()).as("a noop ends the last poll").isEqualTo("6");
      ws.sendText("5");
      ws.sendText("4over websocket");
      assertThat(ws.awaitText(WAIT)).isEqualTo("4over websocket");
    }
  }

  @Test
  void pollingWithTheSidAfterTheUpgradeIsRefused() {
    String sid = eio.openPolling().sid();
    try (WebSocketRecorder ws = upgradeAtOnce(sid)) {
      assertThat(eio.poll(sid).statusCode()).isEqualTo(400);
      ws.sendText("4still here");
      assertThat(ws.awaitText(WAIT)).isEqualTo("4still here");
    }
  }

  @Test
  void aSecondWebSocketWithTheSidAfterTheUpgradeIsClosedAndTheFirstKeepsWorking() {
    String sid = eio.openPolling().sid();
    try (WebSocketRecorder ws = upgradeAtOnce(sid)) {
      try (WebSocketRecorder intruder = eio.websocket("transport=websocket&sid=" + sid)) {
        intruder.awaitEnd(WAIT);
      }
      ws.sendText("4still mine");
      assertThat(ws.awaitText(WAIT)).isEqualTo("4still mine");
    }
  }
}
