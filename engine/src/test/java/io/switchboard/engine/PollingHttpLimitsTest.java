package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code maxHttpBufferSize}, raw over HTTP and WebSocket: a larger POST gets 413 before its body is read, a larger
 * WebSocket message gets close 1009, and only the offending session ends.
 */
class PollingHttpLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int LIMIT = 50_000;

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().maxHttpBufferSize(LIMIT).build());
    eio = server.eio();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String text(int packetLength) {
    char[] c = new char[packetLength - 1];
    Arrays.fill(c, 'x');
    return "4" + new String(c);
  }

  private void assertPollingEcho(String sid, String packet) {
    assertThat(eio.push(sid, packet).body()).isEqualTo("ok");
    assertThat(eio.poll(sid).body()).isEqualTo(packet);
  }

  private void assertWebSocketEcho(WebSocketRecorder ws, String packet) {
    ws.sendText(packet);
    assertThat(ws.awaitText(p -> !p.equals("2"), WAIT)).isEqualTo(packet);
  }

  @Test
  void theHandshakeAdvertisesTheLimitAsMaxPayload() {
    assertThat(eio.openPolling().maxPayload()).isEqualTo(LIMIT);
  }

  @Test
  void aPostOfExactlyTheLimitIsAccepted() {
    String sid = eio.openPolling().sid();
    assertPollingEcho(sid, text(LIMIT));
  }

  @Test
  void aLargerPostGets413BeforeItsBodyIsSentAndOnlyThatSessionEnds() throws IOException {
    String bystander = eio.openPolling().sid();
    String sid = eio.openPolling().sid();
    int declared = 100 * LIMIT;
    try (Socket raw = new Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = raw.getOutputStream();
      String head = "POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n"
          + "Host: 127.0.0.1:" + server.port() + "\r\n"
          + "Content-Type: text/plain;charset=UTF-8\r\n"
          + "Content-Length: " + declared + "\r\n\r\n";
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(text(1000).getBytes(StandardCharsets.US_ASCII)); // a sliver of the body; the rest never comes
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII));
      String status = in.readLine();
      assertThat(status).startsWith("HTTP/1.1 413");
    }
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    assertThat(eio.poll(sid).statusCode()).isEqualTo(400);

    assertPollingEcho(bystander, "4still fine");
    assertThat(server.engine().socket(bystander).isOpen()).isTrue();
  }

  @Test
  void aLargerPostSentWholeAlsoGets413() {
    String sid = eio.openPolling().sid();
    int status;
    try {
      status = eio.post("transport=polling&sid=" + sid, text(LIMIT + 1)).statusCode();
    } catch (java.io.UncheckedIOException connectionClosedWhileWriting) {
      status = 413; // the server may close before the client finishes writing; the session check below still holds
    }
    assertThat(status).isEqualTo(413);
    assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
  }

  @Test
  void aLargerWebSocketMessageGetsClose1009AndOnlyThatSessionEnds() {
    String pollingBystander = eio.openPolling().sid();
    try (WebSocketRecorder bystander = eio.websocket("transport=websocket");
        WebSocketRecorder offender = eio.websocket("transport=websocket")) {
      EngineHttpClient.parseOpen(bystander.awaitText(WAIT));
      String sid = EngineHttpClient.parseOpen(offender.awaitText(WAIT)).sid();

      assertWebSocketEcho(offender, text(LIMIT)); // exactly the limit is fine
      // the server may refuse the frame from its header and close before the client has written it all
      offender.socket().sendText(text(LIMIT + 1), true);
      assertThat(offender.awaitClose(WAIT).code()).isEqualTo(1009);
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);

      assertWebSocketEcho(bystander, "4unaffected");
      assertPollingEcho(pollingBystander, "4unaffected too");
    }
  }

  @Test
  void aLargerBinaryWebSocketMessageGetsClose1009() {
    try (WebSocketRecorder offender = eio.websocket("transport=websocket")) {
      String sid = EngineHttpClient.parseOpen(offender.awaitText(WAIT)).sid();
      offender.socket().sendBinary(ByteBuffer.wrap(new byte[LIMIT + 1]), true);
      assertThat(offender.awaitClose(WAIT).code()).isEqualTo(1009);
      assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.TRANSPORT_ERROR);
    }
  }
}
