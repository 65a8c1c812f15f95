package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.CharsetUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link InputGuard} on Netty's {@link EmbeddedChannel}, behind the real HTTP codec and WebSocket handshake: frame
 * tracking across any split, budget reservations, fragment and rate caps, close-frame validation, and garbage.
 */
class InputGuardTest {
  private static final String TARGET = "/engine.io/?EIO=4&transport=websocket";
  private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

  private EngineServer server;
  private final List<String> events = new ArrayList<>();
  /** What the budget held each time a binary message reached the listener. */
  private final List<Long> usedOnDelivery = new ArrayList<>();
  private final List<Conn> conns = new ArrayList<>();

  @AfterEach
  void noLeaks() {
    for (Conn c : conns) {
      c.finish();
    }
    if (server != null) {
      assertThat(server.inputBudget().used()).as("nothing stays reserved").isZero();
    }
  }

  private void start(EngineOptions options) {
    server = new EngineServer(options);
    server.onConnection(socket -> socket.listener(new EngineSocket.Listener() {
      @Override
      public void onMessage(String text) {
        events.add("text:" + text.length());
        socket.send(text.length() < 50 ? text : "long " + text.length());
      }

      @Override
      public void onBinary(byte[] data) {
        events.add("binary:" + data.length);
        usedOnDelivery.add(server.inputBudget().used());
      }

      @Override
      public void onClose(CloseReason reason, String description) {
        events.add("close:" + description);
      }
    }));
  }

  /** One WebSocket connection to the server, seen from the client: raw bytes in, decoded frames out. */
  private final class Conn {
    final EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(), server.newHandler());
    final EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 4_000_000));

    Conn() {
      this("");
    }

    /** @param extraHeaders more request header lines, each ending with CRLF */
    Conn(String extraHeaders) {
      conns.add(this);
      String request = "GET " + TARGET + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + extraHeaders + "\r\n";
      ch.writeInbound(Unpooled.copiedBuffer(request, CharsetUtil.US_ASCII));
      ch.runPendingTasks();
      ByteBuf response = ch.readOutbound();
      String head = response.toString(CharsetUtil.US_ASCII);
      response.release();
      assertThat(head).startsWith("HTTP/1.1 101");
      assertThat(received()).singleElement().asString().startsWith("0{\"sid\"");
    }

    void send(byte[] bytes) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes));
      ch.runPendingTasks();
    }

    /** Sends the bytes in pieces of {@code size}. */
    void sendInPieces(byte[] bytes, int size) {
      for (int i = 0; i < bytes.length; i += size) {
        send(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)));
      }
    }

    /** What the server sent since the last call: text packets, "binary n", "close code". */
    List<String> received() {
      ch.runPendingTasks();
      ByteBuf b;
      while ((b = ch.readOutbound()) != null) {
        decoder.writeInbound(b);
      }
      List<String> out = new ArrayList<>();
      WebSocketFrame f;
      while ((f = decoder.readInbound()) != null) {
        out.add(f instanceof TextWebSocketFrame t ? t.text()
            : f instanceof CloseWebSocketFrame c ? "close " + c.statusCode()
            : f instanceof BinaryWebSocketFrame ? "binary " + f.content().readableBytes()
            : f instanceof PongWebSocketFrame ? "pong " + f.content().readableBytes() : f.toString());
        f.release();
      }
      return out;
    }

    void finish() {
      ch.finishAndReleaseAll();
      decoder.finishAndReleaseAll();
    }
  }

  /** A masked client frame. */
  private static byte[] frame(boolean fin, int opcode, byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write((fin ? 0x80 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      b.write(0x80 | n);
    } else if (n < 65536) {
      b.write(0x80 | 126);
      b.write(n >>> 8);
      b.write(n & 0xff);
    } else {
      b.write(0x80 | 127);
      for (int i = 7; i >= 0; i--) {
        b.write((int) ((long) n >>> (8 * i)) & 0xff);
      }
    }
    b.writeBytes(MASK);
    for (int i = 0; i < n; i++) {
      b.write(payload[i] ^ MASK[i % 4]);
    }
    return b.toByteArray();
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int n, char c) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) c);
    b[0] = '4';
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  private static byte[] closeFrame(int code, byte[] reason) {
    byte[] payload = new byte[2 + reason.length];
    payload[0] = (byte) (code >>> 8);
    payload[1] = (byte) code;
    System.arraycopy(reason, 0, payload, 2, reason.length);
    return frame(true, 0x8, payload);
  }

  @Test
  void framesFedOneByteAtATimeAreFollowedAndDelivered() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    byte[] big = frame(true, 0x0, filled(70_000, 'c')); // 64-bit length
    c.sendInPieces(concat(
        frame(false, 0x1, filled(100, 'a')),
        frame(true, 0x9, text("ping between fragments")),
        frame(false, 0x0, filled(200, 'b')),             // 16-bit length
        Arrays.copyOfRange(big, 0, 20)), 1);              // the 14-byte header and a little payload
    c.sendInPieces(Arrays.copyOfRange(big, 20, big.length), 9_999);
    c.sendInPieces(concat(
        frame(true, 0x2, new byte[0]),                   // an empty binary message
        frame(true, 0xA, new byte[0])), 1);              // an unsolicited pong
    assertThat(events).containsExactly("text:70299", "binary:0");
    assertThat(c.received()).containsExactly("pong 22", "4long 70299"); // the pong to our ping, then the echo
    assertThat(server.inputBudget().used()).isZero();
    assertThat(server.stats().total()).isZero();
  }

  @Test
  void anUnfinishedMessageIsReservedAsItArrivesAndReleasedWhenComplete() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    byte[] big = frame(true, 0x2, new byte[100_000]);
    c.send(Arrays.copyOfRange(big, 0, 50_014));  // header (14 bytes) and half the payload
    assertThat(server.inputBudget().used()).isEqualTo(50_000);
    c.send(Arrays.copyOfRange(big, 50_014, big.length));
    assertThat(events).containsExactly("binary:100000");
    assertThat(server.inputBudget().used()).isZero();

    // a fragment held by the aggregator counts until its message is complete
    c.send(frame(false, 0x1, filled(30_000, 'x')));
    assertThat(server.inputBudget().used()).isEqualTo(30_000);
    c.send(frame(true, 0x0, text("end")));
    assertThat(events).endsWith("text:30002");
    assertThat(server.inputBudget().used()).isZero();
  }

  @Test
  void aMessageCompletedOverSeveralReadsIsNoLongerReservedWhenItIsPassedOn() {
    // the listener may keep it and reserve it itself (a packet awaiting attachments): it must not count twice
    start(EngineOptions.builder().maxHttpBufferSize(100_000).maxBufferedInput(100_000).build());
    Conn c = new Conn();
    byte[] big = frame(true, 0x2, new byte[60_000]);
    c.send(Arrays.copyOfRange(big, 0, 50_008));  // header (8 bytes) and most of the payload
    assertThat(server.inputBudget().used()).isEqualTo(50_000);
    c.send(Arrays.copyOfRange(big, 50_008, big.length));
    assertThat(events).containsExactly("binary:60000");
    assertThat(usedOnDelivery).containsExactly(0L);

    // a message completed in a read that also starts the next one: only the next one stays reserved
    byte[] next = frame(true, 0x2, new byte[40_000]);
    byte[] both = new byte[big.length + 20_008];
    System.arraycopy(big, 0, both, 0, big.length);
    System.arraycopy(next, 0, both, big.length, 20_008);
    c.send(Arrays.copyOfRange(both, 0, 30_008));
    assertThat(server.inputBudget().used()).isEqualTo(30_000);
    c.send(Arrays.copyOfRange(both, 30_008, both.length));
    assertThat(usedOnDelivery).containsExactly(0L, 20_000L);
    assertThat(server.inputBudget().used()).isEqualTo(20_000);
    c.send(Arrays.copyOfRange(next, 20_008, next.length));
    assertThat(events).containsExactly("binary:60000", "binary:60000", "binary:40000");
    assertThat(usedOnDelivery).containsExactly(0L, 20_000L, 0L);
    assertThat(server.inputBudget().used()).isZero();
  }

  @Test
  void anInflatedMessageIsNoLongerReservedWhenItIsPassedOn() {
    start(EngineOptions.builder().maxHttpBufferSize(100_000).maxBufferedInput(200_000)
        .perMessageDeflate(PerMessageDeflate.builder().enabled(true).build()).build());
    Conn c = new Conn("Sec-WebSocket-Extensions: permessage-deflate\r\n");
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(new byte[60_000]);
    byte[] out = new byte[1_000];
    int n = deflater.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
    deflater.end();
    byte[] compressed = frame(true, 0x2, Arrays.copyOf(out, n - 4)); // without the 00 00 ff ff tail (RFC 7692 7.2.1)
    compressed[0] |= 0x40; // RSV1: compressed
    c.send(compressed);
    assertThat(events).containsExactly("binary:60000");
    assertThat(usedOnDelivery).containsExactly(0L);
  }

  @Test
  void aConnectionThatGoesAwayGivesItsReservationBack() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(Arrays.copyOfRange(frame(true, 0x2, new byte[100_000]), 0, 60_000));
    assertThat(server.inputBudget().used()).isPositive();
    c.ch.close();
    c.ch.runPendingTasks();
    assertThat(server.inputBudget().used()).isZero();
    assertThat(events).containsExactly("close:transport close");
  }

  @Test
  void aMessageTheBudgetCannotHoldGets1013AndOnlyThatConnectionSuffers() {
    start(EngineOptions.builder().maxHttpBufferSize(100_000).maxBufferedInput(100_000).build());
    Conn first = new Conn();
    Conn second = new Conn();
    byte[] a = frame(true, 0x2, new byte[90_000]);
    byte[] b = frame(true, 0x2, new byte[90_000]);
    first.send(Arrays.copyOfRange(a, 0, 80_000));
    second.send(Arrays.copyOfRange(b, 0, 30_000));
    assertThat(second.received()).containsExactly("close 1013");
    assertThat(second.ch.isOpen()).isFalse();
    assertThat(events).containsExactly("close:server input budget exhausted");
    first.send(Arrays.copyOfRange(a, 80_000, a.length));
    assertThat(events).endsWith("binary:90000");
    assertThat(server.inputBudget().used()).isZero();
    assertThat(server.stats().count(Refusal.INPUT_BUDGET)).isEqualTo(1);
  }

  @Test
  void aFrameLargerThanTheLimitGets1009FromItsHeaderAlone() {
    start(EngineOptions.builder().maxHttpBufferSize(1000).build());
    Conn c = new Conn();
    byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}; // 2^62 bytes
    c.send(header);
    assertThat(c.received()).containsExactly("close 1009");
    assertThat(events).containsExactly("close:message too big");
    assertThat(server.stats().count(Refusal.MESSAGE_TOO_BIG)).isEqualTo(1);
  }

  @Test
  void fragmentsThatAddUpPastTheLimitGet1009AtTheFragmentThatWouldPassIt() {
    start(EngineOptions.builder().maxHttpBufferSize(1000).build());
    Conn c = new Conn();
    c.send(frame(false, 0x1, filled(600, 'x')));
    assertThat(c.received()).isEmpty();
    c.send(Arrays.copyOfRange(frame(false, 0x0, filled(401, 'y')), 0, 8)); // its header only
    assertThat(c.received()).containsExactly("close 1009");
  }

  @Test
  void aMessageOfExactlyTheFragmentCapPassesAndOneMoreFragmentGets1008() {
    start(EngineOptions.builder().maxFragmentsPerMessage(10).build());
    Conn c = new Conn();
    ByteArrayOutputStream ok = new ByteArrayOutputStream();
    ok.writeBytes(frame(false, 0x1, text("4")));
    for (int i = 0; i < 9; i++) {
      ok.writeBytes(frame(false, 0x0, text("x")));
    }
    ok.writeBytes(frame(true, 0x0, text("!")));           // the 10th continuation frame
    c.send(ok.toByteArray());
    assertThat(c.received()).containsExactly("4xxxxxxxxx!");

    ByteArrayOutputStream tooMany = new ByteArrayOutputStream();
    tooMany.writeBytes(frame(false, 0x1, text("4")));
    for (int i = 0; i < 11; i++) {
      tooMany.writeBytes(frame(false, 0x0, new byte[0]));
    }
    c.send(tooMany.toByteArray());
    assertThat(c.received()).containsExactly("close 1008");
    assertThat(events).containsExactly("text:10", "close:too many fragments in one message");
    assertThat(server.stats().count(Refusal.TOO_MANY_FRAGMENTS)).isEqualTo(1);
  }

  @Test
  void moreFramesInASecondThanAllowedGet1008() {
    start(EngineOptions.builder().maxFramesPerSecond(20).build());
    Conn c = new Conn();
    ByteArrayOutputStream pongs = new ByteArrayOutputStream();
    for (int i = 0; i < 21; i++) {
      pongs.writeBytes(frame(true, 0xA, new byte[0]));
    }
    c.send(pongs.toByteArray());
    assertThat(c.received()).containsExactly("close 1008");
    assertThat(events).containsExactly("close:too many frames per second");
    assertThat(server.stats().count(Refusal.FRAME_RATE)).isEqualTo(1);
  }

  @Test
  void aFrameRateOfZeroMeansNoLimit() {
    start(EngineOptions.builder().maxFramesPerSecond(0).build());
    Conn c = new Conn();
    ByteArrayOutputStream pongs = new ByteArrayOutputStream();
    for (int i = 0; i < 50_000; i++) {
      pongs.writeBytes(frame(true, 0xA, new byte[0]));
    }
    c.send(pongs.toByteArray());
    c.send(frame(true, 0x1, text("4still open")));
    assertThat(c.received()).containsExactly("4still open");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535})
  void aCloseFrameWithAnInvalidCodeGets1002NotADrop(int code) {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(closeFrame(code, new byte[0]));
    assertThat(c.received()).containsExactly("close 1002");
    assertThat(c.ch.isOpen()).isFalse();
    assertThat(events).containsExactly("close:invalid close code");
    assertThat(server.stats().count(Refusal.INVALID_CLOSE_FRAME)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999})
  void aCloseFrameWithAValidCodeIsAnsweredWithTheSameCode(int code) {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(closeFrame(code, text("bye ✓")));
    assertThat(c.received()).containsExactly("close " + code);
    assertThat(events).containsExactly("close:transport close");
  }

  @Test
  void aCloseFrameWithoutPayloadIsValid() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(frame(true, 0x8, new byte[0]));
    assertThat(c.received()).singleElement().asString().startsWith("close ");
    assertThat(events).containsExactly("close:transport close");
  }

  @Test
  void aCloseFrameWithAOneBytePayloadGets1002() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(frame(true, 0x8, new byte[] {3}));
    assertThat(c.received()).containsExactly("close 1002");
    assertThat(c.ch.isOpen()).isFalse();
  }

  @Test
  void aCloseReasonThatIsNotUtf8Gets1007() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(closeFrame(1000, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}));
    assertThat(c.received()).containsExactly("close 1007");
    assertThat(events).containsExactly("close:invalid UTF-8 in close reason");
  }

  @Test
  void framesBeforeAnInvalidCloseFrameInTheSameReadAreStillDelivered() {
    start(EngineOptions.DEFAULT);
    Conn c = new Conn();
    c.send(concat(frame(true, 0x1, text("4before")), closeFrame(1005, new byte[0])));
    assertThat(events).containsExactly("text:6", "close:invalid close code");
    assertThat(c.received()).containsExactly("close 1002"); // nothing may follow the close frame, not even the echo
  }

  /**
   * Random frames, valid or not, in random pieces: nothing escapes the pipeline, whatever the server sends back is a
   * close code it may send, nothing leaks, and nothing stays reserved.
   */
  @Test
  void garbageNeverBreaksTheGuard() {
    start(EngineOptions.builder().maxHttpBufferSize(5000).maxFragmentsPerMessage(8).build());
    Random random = new Random(20261202);
    Set<Integer> ours = Set.of(1002, 1007, 1008, 1009);
    for (int round = 0; round < 200; round++) {
      Conn c = new Conn();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int frames = 1 + random.nextInt(12);
      for (int i = 0; i < frames; i++) {
        int opcode = random.nextInt(5) == 0 ? random.nextInt(16) : new int[] {0, 1, 2, 8, 9, 10}[random.nextInt(6)];
        int length = switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(126);
          case 2 -> 126 + random.nextInt(2000);
          default -> random.nextInt(7000);
        };
        byte[] payload = new byte[length];
        random.nextBytes(payload);
        byte[] f = frame(random.nextInt(3) != 0, opcode, payload);
        if (random.nextInt(6) == 0) {
          f[random.nextInt(Math.min(f.length, 14))] ^= (byte) (1 << random.nextInt(8)); // flip a header bit
        }
        bytes.writeBytes(f);
      }
      byte[] all = bytes.toByteArray();
      int pos = 0;
      while (pos < all.length && c.ch.isOpen()) {
        int n = 1 + random.nextInt(3000);
        try {
          c.send(Arrays.copyOfRange(all, pos, Math.min(all.length, pos + n)));
        } catch (CorruptedWebSocketFrameException e) {
          // EmbeddedChannel tears the pipeline down inside the decoder's close, so its exception then reaches the
          // tail; a real channel's pipeline is still there to handle it
          assertThat(c.ch.isOpen()).as("the decoder's answer closed the connection").isFalse();
        }
        pos += n;
      }
      for (String s : c.received()) {
        if (s.startsWith("close ")) {
          int code = Integer.parseInt(s.substring(6));
          boolean echoed = code == -1 || InputGuard.isValidCloseCode(code); // the client's own close, answered
          assertThat(ours.contains(code) || echoed).as("close code %s", code).isTrue();
        }
      }
      c.ch.close();
      c.ch.runPendingTasks();
      assertThat(server.inputBudget().used()).as("round %s", round).isZero();
    }
    assertThat(events).allSatisfy(e -> assertThat(e).matches(
        "(text|binary):\\d+|close:(transport close|message too big|too many fragments in one message"
            + "|invalid close code|invalid UTF-8 in close reason|protocol error: .*|empty packet"
            + "|unknown packet type .*|invalid base64 in binary packet|invalid heartbeat direction"
            + "|Channel closed while still aggregating message)"));
  }
}
