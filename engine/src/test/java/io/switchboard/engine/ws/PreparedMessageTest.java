package io.switchboard.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A prepared message is one valid server frame at every length class, as Netty's client-side decoder reads it. */
class PreparedMessageTest {
  private static WebSocketFrame decode(PreparedMessage m) {
    EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
    client.writeInbound(Unpooled.wrappedBuffer(m.frame()));
    WebSocketFrame frame = client.readInbound();
    assertThat((Object) client.readInbound()).isNull(); // exactly one frame, nothing left over
    client.finishAndReleaseAll();
    return frame;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 65_535, 65_536, 70_000})
  void binaryFramesOfEveryLengthClass(int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) i;
    }
    PreparedMessage m = PreparedMessage.binary(data);
    assertThat(m.payloadLength()).isEqualTo(length);
    assertThat(m.isText()).isFalse();
    WebSocketFrame frame = decode(m);
    try {
      assertThat(frame).isInstanceOf(BinaryWebSocketFrame.class);
      assertThat(frame.isFinalFragment()).isTrue();
      byte[] got = new byte[frame.content().readableBytes()];
      frame.content().getBytes(frame.content().readerIndex(), got);
      assertThat(got).isEqualTo(data);
      int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
      assertThat(m.frameLength()).isEqualTo(header + length);
    } finally {
      frame.release();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "hello", "κόσμε €𝄞"})
  void textFramesAreUtf8(String text) {
    PreparedMessage m = PreparedMessage.text(text);
    assertThat(m.isText()).isTrue();
    assertThat(m.payloadLength()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    WebSocketFrame frame = decode(m);
    try {
      assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
      assertThat(((TextWebSocketFrame) frame).text()).isEqualTo(text);
    } finally {
      frame.release();
    }
  }
}
