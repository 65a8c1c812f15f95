package io.switchboard.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpHeadTest {
  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void switchingProtocolsLeavesTheFramesAfterTheHead() {
    HttpHead head = new HttpHead();
    ByteBuffer in = ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
        + "Sec-WebSocket-Accept: abc\r\n\r\n\u0081\u00010");
    assertThat(head.feed(in)).isTrue();
    assertThat(head.status()).isEqualTo(101);
    assertThat(head.header("UPGRADE")).isEqualTo("websocket");
    assertThat(in.remaining()).isEqualTo(3);
    assertThat(in.get() & 0xff).isEqualTo(0x81);
  }

  @Test
  void refusalInPiecesWithRetryAfter() {
    HttpHead head = new HttpHead();
    String all = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\ncontent-length: 0\r\n\r\n";
    for (int i = 0; i < all.length() - 1; i++) {
      assertThat(head.feed(ascii(all.substring(i, i + 1)))).isFalse();
      if (i < 20) {
        assertThat(head.status()).isEqualTo(-1);
      }
    }
    assertThat(head.status()).isEqualTo(503); // the status line is in before the head is
    assertThat(head.feed(ascii("\n"))).isTrue();
    assertThat(head.header("retry-after")).isEqualTo("5");
    assertThat(head.header("Content-Length")).isEqualTo("0");
    assertThat(head.header("x-missing")).isNull();
  }

  @Test
  void partialHeadHasAStatusOnceItsFirstLineIsIn() {
    HttpHead head = new HttpHead();
    head.feed(ascii("HTTP/1.1 408 Request Timeout\r\nconn"));
    assertThat(head.complete()).isFalse();
    assertThat(head.started()).isTrue();
    assertThat(head.status()).isEqualTo(408);
  }

  @Test
  void somethingElseHasNoStatus() {
    HttpHead head = new HttpHead();
    assertThat(head.feed(ascii("SSH-2.0-OpenSSH\r\n\r\n"))).isTrue();
    assertThat(head.status()).isEqualTo(-1);
    HttpHead endless = new HttpHead();
    assertThat(endless.feed(ByteBuffer.allocate(HttpHead.MAX + 10))).isTrue(); // capped, not grown for ever
  }
}
