package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.RawWebSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The conformance server's plain WebSocket echo at {@code /ws-echo}, which Autobahn|Testsuite fuzzes in verify. */
class WebSocketEchoConformanceTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void echoesTextAndBinaryWithLimitsRaisedForAutobahn() {
    assertThat(WebSocketEcho.options(WebSocketEcho.PATH).maxPayload()).isEqualTo(16 * 1024 * 1024);
    assertThat(WebSocketEcho.options(WebSocketEcho.PATH).maxFramesPerSecond()).isZero();
    try (ConformanceServer server = ConformanceServer.start(0);
        RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), WebSocketEcho.PATH, WAIT)) {
      ws.sendText("hello");
      assertThat(ws.readFrame().text()).isEqualTo("hello");
      // a 64-bit length (larger messages are Autobahn's 9.* cases: with the tests' paranoid leak detection, Netty's
      // unmasking records a stack trace per 8 bytes, about 7 s a megabyte)
      byte[] data = new byte[100_000];
      data[data.length - 1] = 42;
      ws.sendFrame(true, RawWebSocket.BINARY, data, true);
      RawWebSocket.Frame echo = ws.readFrame();
      assertThat(echo.opcode()).isEqualTo(RawWebSocket.BINARY);
      assertThat(echo.payload()).isEqualTo(data);
      assertThat(server.webSocketEcho().connectionCount()).isEqualTo(1);
    }
  }
}
