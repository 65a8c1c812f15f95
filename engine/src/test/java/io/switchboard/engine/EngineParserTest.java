package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EngineParserTest {

  @Test
  void decodesEveryPacketType() {
    assertThat(EngineParser.decodePacket("0{\"sid\":\"x\"}")).isEqualTo(new EnginePacket(PacketType.OPEN, "{\"sid\":\"x\"}", null));
    assertThat(EngineParser.decodePacket("1")).isEqualTo(new EnginePacket(PacketType.CLOSE, "", null));
    assertThat(EngineParser.decodePacket("2probe")).isEqualTo(new EnginePacket(PacketType.PING, "probe", null));
    assertThat(EngineParser.decodePacket("3")).isEqualTo(new EnginePacket(PacketType.PONG, "", null));
    assertThat(EngineParser.decodePacket("4héllo")).isEqualTo(new EnginePacket(PacketType.MESSAGE, "héllo", null));
    assertThat(EngineParser.decodePacket("5")).isEqualTo(new EnginePacket(PacketType.UPGRADE, "", null));
    assertThat(EngineParser.decodePacket("6")).isEqualTo(new EnginePacket(PacketType.NOOP, "", null));
  }

  @Test
  void decodesBase64BinaryPackets() {
    EnginePacket p = EngineParser.decodePacket("bAQIDBA==");
    assertThat(p.type()).isEqualTo(PacketType.MESSAGE);
    assertThat(p.text()).isNull();
    assertThat(p.binary()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void acceptsBase64WrappedInLines() {
    // the Java client wraps base64 every 76 characters and ends it with a line break
    byte[] data = new byte[100];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    String wrapped = java.util.Base64.getMimeEncoder().encodeToString(data) + "\r\n";
    assertThat(wrapped).contains("\r\n");
    assertThat(EngineParser.decodePacket("b" + wrapped).binary()).isEqualTo(data);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "7", "9hello", "abc", "x", "b!!!notbase64"})
  void rejectsMalformedPackets(String packet) {
    assertThatThrownBy(() -> EngineParser.decodePacket(packet)).isInstanceOf(EngineParser.ParseException.class);
  }

  @Test
  void decodesPayloadsSeparatedByRecordSeparator() {
    List<EnginePacket> packets = EngineParser.decodePayload("4hello\u001e2\u001e4world\u001ebAQIDBA==");
    assertThat(packets).extracting(EnginePacket::type)
        .containsExactly(PacketType.MESSAGE, PacketType.PING, PacketType.MESSAGE, PacketType.MESSAGE);
    assertThat(packets.get(0).text()).isEqualTo("hello");
    assertThat(packets.get(2).text()).isEqualTo("world");
    assertThat(packets.get(3).binary()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void rejectsPayloadsWithAnEmptyOrBadPacket() {
    assertThatThrownBy(() -> EngineParser.decodePayload("4a\u001e\u001e4b")).isInstanceOf(EngineParser.ParseException.class);
    assertThatThrownBy(() -> EngineParser.decodePayload("4a\u001e")).isInstanceOf(EngineParser.ParseException.class);
    assertThatThrownBy(() -> EngineParser.decodePayload("4a\u001ez")).isInstanceOf(EngineParser.ParseException.class);
  }

  @Test
  void encodesPayloadsWithExactWireStrings() {
    assertThat(EngineParser.encodePayload(List.of(EngineMessage.text("hello")))).isEqualTo("4hello");
    assertThat(EngineParser.encodePayload(List.of(
        EngineMessage.text("test1"), EngineMessage.control(PacketType.PING, ""), EngineMessage.binary(new byte[] {1, 2, 3, 4}))))
        .isEqualTo("4test1\u001e2\u001ebAQIDBA==");
  }

  @Test
  void payloadsRoundTrip() {
    List<EngineMessage> sent = List.of(EngineMessage.text("a\u001eb? no: separators never appear in text"),
        EngineMessage.text(""), EngineMessage.binary(new byte[0]), EngineMessage.text("ünïcødé ✓"));
    // a record separator inside text would split it: the reference forbids it, and so does the round trip
    List<EngineMessage> clean = List.of(sent.get(1), sent.get(2), sent.get(3));
    List<EnginePacket> back = EngineParser.decodePayload(EngineParser.encodePayload(clean));
    assertThat(back).hasSize(3);
    assertThat(back.get(0).text()).isEmpty();
    assertThat(back.get(1).binary()).isEmpty();
    assertThat(back.get(2).text()).isEqualTo("ünïcødé ✓");
  }

  @Test
  void messagesAreEncodedOnceForBothTransports() {
    EngineMessage m = EngineMessage.text("héllo");
    assertThat(m.wireBytes()).isEqualTo("4héllo".getBytes(StandardCharsets.UTF_8));
    assertThat(m.webSocketFrame()).isSameAs(m.webSocketFrame());
    assertThat(m.wireLength()).isEqualTo(2 + "4héllo".getBytes(StandardCharsets.UTF_8).length);
    assertThat(m.pollingForm()).isEqualTo("4héllo");
    EngineMessage b = EngineMessage.binary(new byte[] {(byte) 0xff, 0});
    assertThat(b.wireBytes()).containsExactly(0xff, 0);
    assertThat(b.pollingForm()).isEqualTo("b/wA=");
    assertThat(EngineMessage.text("x")).isEqualTo(EngineMessage.text("x")).isNotEqualTo(EngineMessage.text("y"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 200_000})
  void preEncodedWebSocketFramesDecodeAsTheSamePacket(int size) {
    io.netty.channel.embedded.EmbeddedChannel client = new io.netty.channel.embedded.EmbeddedChannel(
        new io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder(false, false, 1_000_000));
    String text = "x".repeat(size);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) i;
    }
    client.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(EngineMessage.text(text).webSocketFrame()));
    client.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(EngineMessage.binary(bytes).webSocketFrame()));
    io.netty.handler.codec.http.websocketx.TextWebSocketFrame t = client.readInbound();
    io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame b = client.readInbound();
    try {
      assertThat(t.isFinalFragment()).isTrue();
      assertThat(t.text()).isEqualTo("4" + text);
      assertThat(io.netty.buffer.ByteBufUtil.getBytes(b.content())).isEqualTo(bytes);
    } finally {
      t.release();
      b.release();
    }
    assertThat(client.finish()).isFalse();
  }

  @Test
  void errorCodesMatchTheReference() {
    assertThat(ErrorCode.UNKNOWN_TRANSPORT.json()).isEqualTo("{\"code\":0,\"message\":\"Transport unknown\"}");
    assertThat(ErrorCode.UNKNOWN_SID.json()).isEqualTo("{\"code\":1,\"message\":\"Session ID unknown\"}");
    assertThat(ErrorCode.BAD_HANDSHAKE_METHOD.json()).isEqualTo("{\"code\":2,\"message\":\"Bad handshake method\"}");
    assertThat(ErrorCode.BAD_REQUEST.json()).isEqualTo("{\"code\":3,\"message\":\"Bad request\"}");
    assertThat(ErrorCode.FORBIDDEN.json()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
    assertThat(ErrorCode.FORBIDDEN.status().code()).isEqualTo(403);
    assertThat(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION.json())
        .isEqualTo("{\"code\":5,\"message\":\"Unsupported protocol version\"}");
  }
}
