package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.RawWebSocket;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The input limits of WebSocket connections on a real server, from raw TCP peers: the untrusted limit (refused from
 * the frame header, before the frame arrives), the server-wide input budget (close 1013 for the connection that
 * would pass it, and the others go on), and the fragment and frame-rate caps (close 1008).
 */
class PollingHttpWebSocketInputTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String TARGET = "/engine.io/?EIO=4&transport=websocket";
  private static final int UNTRUSTED = 64 * 1024;

  private PollingHttpServerFixture server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private RawWebSocket connect(String target) {
    return RawWebSocket.connect("127.0.0.1", server.port(), target, WAIT);
  }

  private static String sidOf(RawWebSocket ws) {
    return EngineHttpClient.parseOpen(ws.readFrame().text()).sid();
  }

  private static byte[] textPayload(int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) 'x');
    b[0] = '4';
    return b;
  }

  /** Waits until the server holds no unfinished input. */
  private void awaitBudgetReleased() {
    InputBudget budget = server.engine().inputBudget();
    Await.until(() -> "budget still holds " + budget.used() + " bytes", WAIT, () -> budget.used() == 0);
  }

  /** Waits until the server holds at least this much unfinished input. */
  private void awaitBudgetUsed(long atLeast) {
    InputBudget budget = server.engine().inputBudget();
    Await.until(() -> "budget holds only " + budget.used() + " bytes", WAIT, () -> budget.used() >= atLeast);
  }

  @Test
  void anUntrustedFrameIsRefusedWith1009BeforeItHasArrived() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    try (RawWebSocket ws = connect(TARGET)) {
      String sid = sidOf(ws);
      // a 100 KB frame, of which only the header and 70 KB are ever sent
      ws.sendRaw(RawWebSocket.maskedHeader(true, RawWebSocket.TEXT, 100_000));
      ws.sendRaw(textPayload(70_000));
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
      assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("untrusted input limit exceeded");
    }
    assertThat(server.engine().stats().count(Refusal.UNTRUSTED_INPUT_LIMIT)).isEqualTo(1);
    awaitBudgetReleased();
  }

  @Test
  void smallUntrustedMessagesAddUpToTheLimit() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    try (RawWebSocket ws = connect(TARGET)) {
      String sid = sidOf(ws);
      String message = new String(textPayload(8_000), StandardCharsets.US_ASCII);
      for (int i = 0; i < 8; i++) { // 8 frames of 8,008 bytes: 64,064 bytes, within 65,536
        ws.sendText(message);
        assertThat(ws.readFrame().text()).isEqualTo(message);
      }
      ws.sendText(message); // would end at 72,072 bytes
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
      assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("untrusted input limit exceeded");
    }
  }

  @Test
  void aTrustedSessionIsBoundByMaxHttpBufferSizeAlone() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    try (RawWebSocket ws = connect(TARGET)) {
      String sid = sidOf(ws);
      server.awaitSocket(sid, WAIT).trust();
      String big = new String(textPayload(500_000), StandardCharsets.US_ASCII);
      ws.sendText(big);
      assertThat(ws.readFrame().text()).isEqualTo(big);
      assertThat(server.engine().socket(sid).isOpen()).isTrue();
    }
  }

  @Test
  void pollingAndWebSocketInputCountAgainstOneUntrustedAllowance() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().untrustedInputLimit(UNTRUSTED).build());
    EngineHttpClient eio = server.eio();
    String sid = eio.openPolling().sid();
    assertThat(eio.push(sid, new String(textPayload(40_000), StandardCharsets.US_ASCII)).body()).isEqualTo("ok");
    try (RawWebSocket ws = connect(TARGET + "&sid=" + sid)) {
      ws.sendText("2probe");
      assertThat(ws.readFrame().text()).isEqualTo("3probe");
      ws.sendText("5");
      assertThat(server.awaitUpgrade(sid, WAIT)).isEqualTo(Transport.WEBSOCKET);
      ws.sendRaw(RawWebSocket.maskedHeader(true, RawWebSocket.TEXT, 30_000)); // 40 KB + 30 KB > 64 KiB
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
      assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("untrusted input limit exceeded");
    }
  }

  @Test
  void theConnectionThatWouldPassTheInputBudgetGets1013AndTheOthersComplete() {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .maxHttpBufferSize(1_000_000).maxBufferedInput(2_000_000).build());
    int frame = 950_000;
    int sent = 900_000;
    byte[] payload = new byte[frame];
    Arrays.fill(payload, (byte) 7);
    byte[] header = RawWebSocket.maskedHeader(true, RawWebSocket.BINARY, frame);
    try (RawWebSocket first = connect(TARGET);
        RawWebSocket second = connect(TARGET);
        RawWebSocket third = connect(TARGET)) {
      sidOf(first);
      sidOf(second);
      String thirdSid = sidOf(third);
      first.sendRaw(header);
      first.sendRaw(Arrays.copyOfRange(payload, 0, sent));
      second.sendRaw(header);
      second.sendRaw(Arrays.copyOfRange(payload, 0, sent));
      awaitBudgetUsed(2L * sent);

      third.sendRaw(header);
      third.sendRaw(Arrays.copyOfRange(payload, 0, sent)); // may fail part-way: the server refuses early
      assertThat(third.awaitCloseCode()).isEqualTo(1013);
      assertThat(server.awaitCloseDescription(thirdSid, WAIT)).isEqualTo("server input budget exhausted");

      first.sendRaw(Arrays.copyOfRange(payload, sent, frame));
      second.sendRaw(Arrays.copyOfRange(payload, sent, frame));
      assertThat(first.readFrame().payload()).hasSize(frame);
      assertThat(second.readFrame().payload()).hasSize(frame);
      awaitBudgetReleased();
    }
    assertThat(server.engine().stats().count(Refusal.INPUT_BUDGET)).isEqualTo(1);
  }

  @Test
  void twoHundredThousandEmptyContinuationFramesGet1008Quickly() {
    server = PollingHttpServerFixture.start(EngineOptions.DEFAULT);
    try (RawWebSocket ws = connect(TARGET)) {
      String sid = sidOf(ws);
      ByteArrayOutputStream flood = new ByteArrayOutputStream(1_300_000);
      flood.writeBytes(RawWebSocket.maskedHeader(false, RawWebSocket.TEXT, 1));
      flood.write('4');
      byte[] empty = RawWebSocket.maskedHeader(false, RawWebSocket.CONTINUATION, 0);
      for (int i = 0; i < 200_000; i++) {
        flood.writeBytes(empty);
      }
      long start = System.nanoTime();
      ws.sendRaw(flood.toByteArray());
      assertThat(ws.awaitCloseCode()).isEqualTo(1008);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("close after %s ms", millis).isLessThan(2_000);
      assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("too many fragments in one message");
    }
    assertThat(server.engine().stats().count(Refusal.TOO_MANY_FRAGMENTS)).isEqualTo(1);
    awaitBudgetReleased();
  }

  @Test
  void aBurstOfFramesOverTheRateGets1008() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().maxFramesPerSecond(100).build());
    try (RawWebSocket ws = connect(TARGET)) {
      String sid = sidOf(ws);
      ByteArrayOutputStream pongs = new ByteArrayOutputStream();
      for (int i = 0; i < 150; i++) {
        pongs.writeBytes(RawWebSocket.maskedHeader(true, RawWebSocket.PONG, 0));
      }
      ws.sendRaw(pongs.toByteArray());
      assertThat(ws.awaitCloseCode()).isEqualTo(1008);
      assertThat(server.awaitCloseDescription(sid, WAIT)).isEqualTo("too many frames per second");
    }
    assertThat(server.engine().stats().count(Refusal.FRAME_RATE)).isEqualTo(1);
  }
}
