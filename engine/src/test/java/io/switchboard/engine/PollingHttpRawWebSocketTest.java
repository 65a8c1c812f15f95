package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 violations from a raw TCP peer after a real HTTP upgrade: each gets the close code the RFC names (1002
 * protocol error, 1007 invalid data, 1009 too big), never 1000, and only that session ends.
 */
class PollingHttpRawWebSocketTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int LIMIT = 10_000;
  private static final String TARGET = "/engine.io/?EIO=4&transport=websocket";

  private PollingHttpServerFixture server;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder().maxHttpBufferSize(LIMIT).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RawWebSocket open() {
    RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), TARGET, WAIT);
    RawWebSocket.Frame open = ws.readFrame();
    assertThat(open.text()).startsWith("0{");
    return ws;
  }

  private String sidOf(RawWebSocket.Frame open) {
    return EngineHttpClient.parseOpen(open.text()).sid();
  }

  @Test
  void aWellFormedPeerIsEchoed() {
    try (RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), TARGET, WAIT)) {
      String sid = sidOf(ws.readFrame());
      ws.sendText("4raw hello");
      assertThat(ws.readFrame().text()).isEqualTo("4raw hello");
      // a message in two fragments is one message
      ws.sendFrame(false, RawWebSocket.TEXT, "4frag".getBytes(StandardCharsets.UTF_8), true);
      ws.sendFrame(true, RawWebSocket.CONTINUATION, "mented".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.readFrame().text()).isEqualTo("4fragmented");
      // the aggregator the first fragmented message brought in serves whole and fragmented messages after it
      ws.sendText("4whole");
      assertThat(ws.readFrame().text()).isEqualTo("4whole");
      ws.sendFrame(false, RawWebSocket.TEXT, "4a".getBytes(StandardCharsets.UTF_8), true);
      ws.sendFrame(false, RawWebSocket.CONTINUATION, "b".getBytes(StandardCharsets.UTF_8), true);
      ws.sendFrame(true, RawWebSocket.CONTINUATION, "c".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.readFrame().text()).isEqualTo("4abc");
      assertThat(server.engine().socket(sid).isOpen()).isTrue();
    }
  }

  @Test
  void anUnmaskedFrameGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.TEXT, "4hi".getBytes(StandardCharsets.UTF_8), false);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aReservedOpcodeGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0x3, new byte[] {1}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void reservedBitsWithoutAnExtensionGet1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0x4, RawWebSocket.TEXT, "4hi".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aFragmentedControlFrameGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(false, RawWebSocket.PING, new byte[] {1, 2}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void invalidUtf8InATextFrameGets1007() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.TEXT, new byte[] {'4', (byte) 0xc3, (byte) 0x28}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void aMessageLargerThanTheLimitAcrossFragmentsGets1009() {
    try (RawWebSocket ws = open()) {
      byte[] half = new byte[LIMIT / 2 + 1];
      java.util.Arrays.fill(half, (byte) 'x');
      half[0] = '4';
      ws.sendFrame(false, RawWebSocket.TEXT, half, true);
      ws.sendFrame(true, RawWebSocket.CONTINUATION, half, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0x2, 0x1}) // RSV2, RSV3
  void theOtherReservedBitsGet1002(int rsv) {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, rsv, RawWebSocket.TEXT, "4hi".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aReservedControlOpcodeGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, 0xB, new byte[0], true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aPingOf126BytesGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.PING, new byte[126], true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aContinuationWithNothingToContinueGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.CONTINUATION, "4x".getBytes(StandardCharsets.UTF_8), true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void invalidUtf8AfterAValidPacketTypeGets1007() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.TEXT, new byte[] {'4', '2', (byte) 0xff, (byte) 0xfe}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void utf8SplitAcrossFragmentsWithAnInvalidTailGets1007() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(false, RawWebSocket.TEXT, new byte[] {'4', (byte) 0xe2, (byte) 0x82}, true); // € begun
      ws.sendFrame(true, RawWebSocket.CONTINUATION, new byte[] {(byte) 0x28}, true);         // not its end
      assertThat(ws.awaitCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void utf8SplitAcrossFragmentsIsOneValidCharacter() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(false, RawWebSocket.TEXT, new byte[] {'4', (byte) 0xe2, (byte) 0x82}, true);
      ws.sendFrame(true, RawWebSocket.CONTINUATION, new byte[] {(byte) 0xac}, true);
      assertThat(ws.readFrame().text()).isEqualTo("4€");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000})
  void aCloseFrameWithAnInvalidCodeGets1002AndNotADroppedConnection(int code) {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aCloseFrameWithAOneBytePayloadGets1002() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x03}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void aCloseReasonThatIsNotUtf8Gets1007() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x03, (byte) 0xe8, 'o', 'k', (byte) 0xc3, 0x28}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1007);
    }
  }

  @Test
  void aValidCloseIsAnsweredWithItsCode() {
    try (RawWebSocket ws = open()) {
      ws.sendFrame(true, RawWebSocket.CLOSE, new byte[] {0x0f, (byte) 0xa0, 'b', 'y', 'e'}, true); // 4000
      assertThat(ws.awaitCloseCode()).isEqualTo(4000);
    }
  }

  @Test
  void aLengthOf2To62Gets1009AtOnce() {
    try (RawWebSocket ws = open()) {
      ws.sendRaw(new byte[] {(byte) 0x82, (byte) 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
    }
  }

  @Test
  void aMessageOverTheLimitInAHundredFragmentsGets1009() {
    try (RawWebSocket ws = open()) {
      byte[] fragment = new byte[LIMIT / 100 + 1];
      java.util.Arrays.fill(fragment, (byte) 'x');
      fragment[0] = '4';
      ws.sendFrame(false, RawWebSocket.TEXT, fragment, true);
      for (int i = 1; i < 99; i++) {
        ws.sendFrame(false, RawWebSocket.CONTINUATION, fragment, true);
      }
      ws.sendRaw(RawWebSocket.maskedHeader(true, RawWebSocket.CONTINUATION, fragment.length));
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
    }
  }

  @Test
  void anUpgradeWithoutAnRfc6455VersionGets400() throws java.io.IOException {
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout((int) WAIT.toMillis());
      raw.getOutputStream().write(("GET " + TARGET + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(raw.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertThat(status).startsWith("HTTP/1.1 400"); // not a hixie-76 handshake
    }
    assertThat(server.engine().clientsCount()).isZero();
  }

  @Test
  void aViolationEndsOnlyThatSession() {
    try (RawWebSocket good = RawWebSocket.connect("127.0.0.1", server.port(), TARGET, WAIT);
        RawWebSocket bad = RawWebSocket.connect("127.0.0.1", server.port(), TARGET, WAIT)) {
      String goodSid = sidOf(good.readFrame());
      String badSid = sidOf(bad.readFrame());
      bad.sendFrame(true, RawWebSocket.TEXT, "4hi".getBytes(StandardCharsets.UTF_8), false);
      assertThat(bad.awaitCloseCode()).isEqualTo(1002);
      assertThat(server.awaitClose(badSid, WAIT)).isIn(CloseReason.TRANSPORT_ERROR, CloseReason.PARSE_ERROR);
      good.sendText("4still here");
      assertThat(good.readFrame().text()).isEqualTo("4still here");
      assertThat(server.engine().socket(goodSid).isOpen()).isTrue();
    }
  }
}
