package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.RawWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
