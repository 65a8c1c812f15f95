package io.switchboard.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatsAndRequestsTest {
  @Test
  void nearestRankPercentiles() {
    long[] v = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
    assertThat(Stats.percentile(v, 50)).isEqualTo(5);
    assertThat(Stats.percentile(v, 90)).isEqualTo(9);
    assertThat(Stats.percentile(v, 100)).isEqualTo(10);
    assertThat(Stats.percentile(new long[] {7}, 50)).isEqualTo(7);
    assertThat(Stats.percentile(new long[0], 50)).isEqualTo(-1);
    assertThat(v[0]).isEqualTo(5); // the input is left as it was
    assertThat(Stats.ms(12_345_678)).isEqualTo(12.3);
    assertThat(Stats.ms(-1)).isEqualTo(-1);
  }

  @Test
  void slowlorisHeadNeverEnds() {
    Requests.Slow slow = new Requests.Slow("/socket.io/", "127.0.0.1:3000");
    StringBuilder sb = new StringBuilder();
    for (long i = 0; i < 400; i++) {
      sb.append((char) slow.byteAt(i));
    }
    String head = sb.toString();
    assertThat(head).startsWith("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n")
        .contains("X-a: b\r\nX-a: b\r\n").doesNotContain("\r\n\r\n");
    assertThat((char) slow.byteAt(10_000_000_000L)).isIn('X', '-', 'a', ':', ' ', 'b', '\r', '\n');
  }

  @Test
  void upgradeRequest() {
    String r = new String(Requests.upgrade("/socket.io/?EIO=4&transport=websocket", "127.0.0.1:3000"),
        StandardCharsets.US_ASCII);
    assertThat(r).startsWith("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n")
        .contains("\r\nHost: 127.0.0.1:3000\r\n", "\r\nUpgrade: websocket\r\n", "\r\nConnection: Upgrade\r\n",
            "\r\nSec-WebSocket-Version: 13\r\n", "\r\nSec-WebSocket-Key: ")
        .endsWith("\r\n\r\n");
  }
}
