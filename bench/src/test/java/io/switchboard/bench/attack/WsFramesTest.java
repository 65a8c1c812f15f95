package io.switchboard.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WsFramesTest {
  private record Frame(int opcode, String text, long length) {}

  private static List<Frame> read(WsFrames.Reader reader, ByteBuffer in) {
    List<Frame> frames = new ArrayList<>();
    reader.feed(in, (op, payload, length) -> frames.add(new Frame(op, new String(payload, StandardCharsets.ISO_8859_1),
        length)));
    return frames;
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] a = new byte[d.remaining()];
    d.get(a);
    return a;
  }

  @Test
  void smallTextFrameIsMaskedWithAZeroKey() {
    byte[] f = bytes(WsFrames.text("40"));
    assertThat(f).containsExactly(0x81, 0x82, 0, 0, 0, 0, '4', '0');
  }

  @Test
  void lengthsUseSevenSixteenOrSixtyFourBits() {
    for (int size : new int[] {0, 125, 126, 65535, 65536, 100_000}) {
      ByteBuffer b = WsFrames.binary(size);
      byte[] f = bytes(b);
      assertThat(f.length).isEqualTo(WsFrames.headerLength(size) + size);
      assertThat(f[0] & 0xff).isEqualTo(0x82);
      assertThat(f[1] & 0x80).isEqualTo(0x80);
      int len7 = f[1] & 0x7f;
      if (size < 126) {
        assertThat(len7).isEqualTo(size);
        assertThat(f.length).isEqualTo(6 + size);
      } else if (size <= 65535) {
        assertThat(len7).isEqualTo(126);
        assertThat(((f[2] & 0xff) << 8) | (f[3] & 0xff)).isEqualTo(size);
        assertThat(f.length).isEqualTo(8 + size);
      } else {
        assertThat(len7).isEqualTo(127);
        assertThat(ByteBuffer.wrap(f, 2, 8).getLong()).isEqualTo(size);
        assertThat(f.length).isEqualTo(14 + size);
      }
    }
  }

  @Test
  void duplicatesShareTheBytesButNotThePosition() {
    ByteBuffer shared = WsFrames.binary(1000);
    ByteBuffer a = shared.duplicate();
    ByteBuffer b = shared.duplicate();
    a.position(a.limit());
    assertThat(b.remaining()).isEqualTo(shared.remaining()).isEqualTo(1000 + 8);
    assertThat(shared.isReadOnly()).isTrue();
  }

  @Test
  void readerReadsItsOwnMaskedFrames() {
    // a zero mask key leaves the payload as it is; the reader unmasks any key
    ByteBuffer all = ByteBuffer.allocate(300_000);
    all.put(WsFrames.text("hello").duplicate()).put(WsFrames.binary(70_000).duplicate())
        .put(WsFrames.close(1013).duplicate()).flip();
    List<Frame> frames = read(new WsFrames.Reader(), all);
    assertThat(frames).hasSize(3);
    assertThat(frames.get(0)).isEqualTo(new Frame(WsFrames.TEXT, "hello", 5));
    assertThat(frames.get(1).opcode()).isEqualTo(WsFrames.BINARY);
    assertThat(frames.get(1).length()).isEqualTo(70_000);
    assertThat(frames.get(1).text()).hasSize(WsFrames.Reader.KEEP).startsWith("abcdefghijklmnopqrstuvwxyzab");
    assertThat(frames.get(2).opcode()).isEqualTo(WsFrames.CLOSE);
    assertThat(WsFrames.closeCode(frames.get(2).text().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(1013);
  }

  @Test
  void readerTakesServerFramesOneByteAtATime() {
    // server frames are not masked: 0{"sid":"x"}, a ping "2", a close 1009 with a reason, an empty close
    byte[] open = "0{\"sid\":\"x\"}".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer all = ByteBuffer.allocate(100);
    all.put((byte) 0x81).put((byte) open.length).put(open);
    all.put((byte) 0x81).put((byte) 1).put((byte) '2');
    all.put((byte) 0x88).put((byte) 5).putShort((short) 1009).put("big".getBytes(StandardCharsets.US_ASCII));
    all.put((byte) 0x88).put((byte) 0);
    all.flip();
    WsFrames.Reader reader = new WsFrames.Reader();
    List<Frame> frames = new ArrayList<>();
    while (all.hasRemaining()) {
      frames.addAll(read(reader, ByteBuffer.wrap(new byte[] {all.get()})));
    }
    assertThat(frames).extracting(Frame::opcode).containsExactly(WsFrames.TEXT, WsFrames.TEXT, WsFrames.CLOSE,
        WsFrames.CLOSE);
    assertThat(frames.get(0).text()).isEqualTo("0{\"sid\":\"x\"}");
    assertThat(frames.get(1).text()).isEqualTo("2");
    assertThat(WsFrames.closeCode(frames.get(2).text().getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(1009);
    assertThat(WsFrames.closeCode(new byte[0])).isEqualTo(WsFrames.NO_STATUS);
  }

  @Test
  void readerUnmasksANonZeroKey() {
    byte[] key = {1, 2, 3, 4};
    byte[] p = "abcdef".getBytes(StandardCharsets.US_ASCII);
    ByteBuffer f = ByteBuffer.allocate(20).put((byte) 0x81).put((byte) (0x80 | p.length)).put(key);
    for (int i = 0; i < p.length; i++) {
      f.put((byte) (p[i] ^ key[i & 3]));
    }
    f.flip();
    assertThat(read(new WsFrames.Reader(), f)).containsExactly(new Frame(WsFrames.TEXT, "abcdef", 6));
  }

  @Test
  void placeholderEventAnnouncesKAttachments() {
    assertThat(WsFrames.placeholderEvent(1)).isEqualTo("451-[\"x\",{\"_placeholder\":true,\"num\":0}]");
    assertThat(WsFrames.placeholderEvent(3)).isEqualTo("453-[\"x\",{\"_placeholder\":true,\"num\":0},"
        + "{\"_placeholder\":true,\"num\":1},{\"_placeholder\":true,\"num\":2}]");
    assertThat(WsFrames.placeholderEvent(12)).startsWith("4512-[\"x\",").endsWith("\"num\":11}]");
  }
}
