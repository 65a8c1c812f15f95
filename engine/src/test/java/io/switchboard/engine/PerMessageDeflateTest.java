package io.switchboard.engine;

import static io.switchboard.testkit.NodeScript.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.RawWebSocket;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket {@code permessage-deflate} against the npm {@code ws} client (pinned in {@code interop/}), which reports
 * every server frame as it was on the wire, and against crafted frames: negotiation, the threshold, messages sent
 * uncompressed on request, context takeover both ways, and the limits on inflated input (a deflate bomb).
 */
class PerMessageDeflateTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Compressible text well above the 1 KB threshold. */
  private static final String LARGE = "{\"user\":\"alice\",\"text\":\"hello, world\"} ".repeat(200);

  /** Text that compresses less well on its own (about 2:1), so that a shared context shows. */
  private static final String VARIED = varied();

  private PollingHttpServerFixture server;

  private static String varied() {
    java.util.Random random = new java.util.Random(7);
    StringBuilder b = new StringBuilder();
    while (b.length() < 4000) {
      b.append(Integer.toString(random.nextInt(1 << 20), 36)).append(' ');
    }
    return b.toString();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(PerMessageDeflate deflate) {
    server = PollingHttpServerFixture.start(EngineOptions.builder().perMessageDeflate(deflate).build());
  }

  private NodeScript ws(String... more) {
    List<String> args = new ArrayList<>(List.of("--url",
        "ws://127.0.0.1:" + server.port() + "/engine.io/?EIO=4&transport=websocket"));
    args.addAll(List.of(more));
    return NodeScript.start("ws-deflate.mjs", args);
  }

  private static void send(NodeScript client, String text, boolean compress) {
    client.send(NodeScript.command().put("op", "send").put("text", text).put("compress", compress));
  }

  /** The sid from the client's first message, the open packet. */
  private static String awaitOpen(NodeScript client) throws Exception {
    JsonNode open = client.await(event("open"), WAIT);
    JsonNode packet = client.await(event("message"), WAIT);
    assertThat(packet.get("data").asText()).startsWith("0{");
    return JSON.readTree(packet.get("data").asText().substring(1)).get("sid").asText()
        + "|" + open.path("extensions").asText("");
  }

  private static Predicate<JsonNode> dataFrame() {
    return e -> e.path("event").asText().equals("frame") && e.get("opcode").asInt() <= 2;
  }

  /** What the client got: each server data frame as sniffed, and each message as {@code ws} delivered it. */
  private record Received(List<JsonNode> frames, List<String> messages) {}

  /**
   * The next {@code n} data frames and the {@code n} messages they carry (the script reports them in no fixed order
   * relative to each other).
   */
  private static Received receive(NodeScript client, int n) {
    List<JsonNode> frames = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    while (frames.size() < n || messages.size() < n) {
      JsonNode e = client.await(dataFrame().or(event("message")), WAIT);
      if (e.path("event").asText().equals("frame")) {
        frames.add(e);
      } else {
        messages.add(e.get("data").asText());
      }
    }
    return new Received(frames, messages);
  }

  @Test
  void negotiatedWhenOfferedCompressesLargeMessagesOnly() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).build());
    try (NodeScript client = ws()) {
      String[] open = awaitOpen(client).split("\\|", 2);
      assertThat(open[1]).isEqualTo(
          "permessage-deflate; server_no_context_takeover; client_no_context_takeover");

      send(client, "4" + LARGE, true); // ws compresses it (threshold 0 on its side)
      assertThat(server.awaitMessage(open[0], WAIT)).isEqualTo(LARGE);
      Received r = receive(client, 1);
      assertThat(r.frames().get(0).get("rsv1").asBoolean()).isTrue();
      assertThat(r.frames().get(0).get("length").asInt()).isLessThan(LARGE.length() / 5);
      assertThat(r.messages()).containsExactly("4" + LARGE);

      send(client, "4small", true); // under the server's 1 KB threshold on the way back
      assertThat(server.awaitMessage(open[0], WAIT)).isEqualTo("small");
      r = receive(client, 1);
      assertThat(r.frames().get(0).get("rsv1").asBoolean()).isFalse();
      assertThat(r.frames().get(0).get("length").asInt()).isEqualTo(6);
      assertThat(r.messages()).containsExactly("4small");

      send(client, "4" + LARGE, false); // an uncompressed message from the client is fine too
      assertThat(server.awaitMessage(open[0], WAIT)).isEqualTo(LARGE);
      r = receive(client, 1);
      assertThat(r.frames().get(0).get("rsv1").asBoolean()).isTrue();
      assertThat(r.messages()).containsExactly("4" + LARGE);
    }
  }

  @Test
  void anUncompressedMessageGoesWithoutRsv1() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).build());
    server.noEcho();
    try (NodeScript client = ws()) {
      String sid = awaitOpen(client).split("\\|", 2)[0];
      EngineSocket socket = server.awaitSocket(sid, WAIT);
      socket.send(EngineMessage.text(LARGE).uncompressed());
      socket.send(EngineMessage.text(LARGE));
      Received r = receive(client, 2);
      JsonNode plain = r.frames().get(0);
      assertThat(plain.get("rsv1").asBoolean()).isFalse();
      assertThat(plain.get("length").asInt()).isEqualTo(LARGE.length() + 1);
      JsonNode compressed = r.frames().get(1);
      assertThat(compressed.get("rsv1").asBoolean()).isTrue();
      assertThat(compressed.get("length").asInt()).isLessThan(LARGE.length() / 5);
      assertThat(r.messages()).containsExactly("4" + LARGE, "4" + LARGE);
    }
  }

  @Test
  void aMessageIsCompressedOnceForAllRecipients() {
    PerMessageDeflate options = PerMessageDeflate.builder().enabled(true).build();
    EngineMessage m = EngineMessage.text(LARGE);
    byte[] first = m.webSocketFrame(options);
    assertThat(first[0] & 0x40).as("RSV1").isEqualTo(0x40);
    assertThat(m.webSocketFrame(options)).isSameAs(first); // every recipient gets the same bytes
    EngineMessage plain = m.uncompressed();
    assertThat(plain.webSocketFrame(options)).isSameAs(plain.webSocketFrame()).isNotSameAs(first);
    assertThat(plain.webSocketFrame(options)[0] & 0x40).isZero();
    EngineMessage small = EngineMessage.text("x".repeat(1000)); // 1,001 bytes: under the 1,024 threshold
    assertThat(small.webSocketFrame(options)).isSameAs(small.webSocketFrame());
    byte[] random = new byte[4096];
    new java.util.Random(1).nextBytes(random);
    EngineMessage incompressible = EngineMessage.binary(random);
    assertThat(incompressible.webSocketFrame(options)).isSameAs(incompressible.webSocketFrame());
  }

  @Test
  void offIsNotNegotiated() throws Exception {
    start(PerMessageDeflate.DEFAULT);
    try (NodeScript client = ws()) {
      String[] open = awaitOpen(client).split("\\|", 2);
      assertThat(open[1]).isEmpty();
      send(client, "4" + LARGE, true);
      assertThat(server.awaitMessage(open[0], WAIT)).isEqualTo(LARGE);
      Received r = receive(client, 1);
      assertThat(r.frames().get(0).get("rsv1").asBoolean()).isFalse();
      assertThat(r.frames().get(0).get("length").asInt()).isEqualTo(LARGE.length() + 1);
      assertThat(r.messages()).containsExactly("4" + LARGE);
    }
  }

  @Test
  void contextTakeoverBothWays() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).serverNoContextTakeover(false).clientNoContextTakeover(false)
        .build());
    try (NodeScript client = ws()) {
      String[] open = awaitOpen(client).split("\\|", 2);
      assertThat(open[1]).isEqualTo("permessage-deflate");
      int[] lengths = new int[3];
      for (int i = 0; i < 3; i++) {
        String text = VARIED + i;
        send(client, "4" + text, true);
        assertThat(server.awaitMessage(open[0], WAIT)).isEqualTo(text);
        Received r = receive(client, 1);
        assertThat(r.frames().get(0).get("rsv1").asBoolean()).isTrue();
        lengths[i] = r.frames().get(0).get("length").asInt();
        assertThat(r.messages()).containsExactly("4" + text);
      }
      // the context carries over: the repeats compress to a few bytes each
      assertThat(lengths[1]).isLessThan(lengths[0] / 2);
      assertThat(lengths[2]).isLessThan(lengths[0] / 2);
    }
  }

  @Test
  void aClientThatAsksForASmallServerWindowGoesUncompressed() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).build());
    try (NodeScript client = ws("--deflate", "{\"serverMaxWindowBits\":10}")) {
      String[] open = awaitOpen(client).split("\\|", 2);
      assertThat(open[1]).isEmpty();
      send(client, "4" + LARGE, true);
      assertThat(server.awaitMessage(open[0], WAIT)).isEqualTo(LARGE);
      Received r = receive(client, 1);
      assertThat(r.frames().get(0).get("rsv1").asBoolean()).isFalse();
      assertThat(r.messages()).containsExactly("4" + LARGE);
    }
  }

  private static final String OFFER = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

  private RawWebSocket raw() {
    RawWebSocket ws = RawWebSocket.connect("127.0.0.1", server.port(), "/engine.io/?EIO=4&transport=websocket",
        OFFER, WAIT);
    assertThat(ws.responseHeaders()).anyMatch(h -> h.toLowerCase().startsWith("sec-websocket-extensions:"));
    assertThat(ws.readFrame().text()).startsWith("0{");
    return ws;
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(9, true);
    d.setInput(data);
    d.finish();
    byte[] buf = new byte[data.length / 100 + 1024];
    int n = 0;
    while (!d.finished()) {
      if (n == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      n += d.deflate(buf, n, buf.length - n);
    }
    d.end();
    return Arrays.copyOf(buf, n);
  }

  /** A text message of {@code megabytes} MB of one letter, compressed (about 1 KB per MB), built 1 MB at a time. */
  private static byte[] bomb(int megabytes) {
    byte[] chunk = new byte[1024 * 1024];
    Arrays.fill(chunk, (byte) 'a');
    chunk[0] = '4';
    Deflater d = new Deflater(9, true);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (int i = 0; i < megabytes; i++) {
      d.setInput(chunk);
      while (!d.needsInput()) {
        out.write(buf, 0, d.deflate(buf));
      }
      chunk[0] = 'a';
    }
    d.finish();
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  private static long allocatedByAllThreads() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, a);
    }
    return sum;
  }

  @Test
  void aDeflateBombClosesWith1009AndHarmsNoOne() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).build());
    byte[] bomb = bomb(100);
    assertThat(bomb.length).isBetween(90 * 1024, 110 * 1024); // about 97 KB

    try (RawWebSocket bystander = raw(); RawWebSocket attacker = raw()) {
      long allocatedBefore = allocatedByAllThreads();
      long start = System.nanoTime();
      attacker.sendFrame(true, 0x4, RawWebSocket.TEXT, bomb, true);
      int code = attacker.awaitCloseCode();
      long millis = (System.nanoTime() - start) / 1_000_000;
      long allocated = allocatedByAllThreads() - allocatedBefore;
      System.out.printf("deflate bomb: %d KB -> 100 MB closed with %d in %d ms, %d KB allocated by all threads%n",
          bomb.length / 1024, code, millis, allocated / 1024);
      assertThat(code).isEqualTo(1009);
      // the default limit is 1 MB: the server inflates little more than that, never the 100 MB
      assertThat(allocated).isLessThan(24L * 1024 * 1024);
      assertThat(server.engine().stats().count(Refusal.MESSAGE_TOO_BIG)).isEqualTo(1);
      Await.until("the input budget is given back", WAIT, () -> server.engine().inputBudget().used() == 0);

      bystander.sendText("4still here");
      assertThat(bystander.readFrame().text()).isEqualTo("4still here");
    }
  }

  @Test
  void inflatedBytesCountAgainstTheUntrustedLimit() throws Exception {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .perMessageDeflate(PerMessageDeflate.builder().enabled(true).build())
        .untrustedInputLimit(64 * 1024)
        .build());
    byte[] text = ("4" + "b".repeat(200_000)).getBytes(StandardCharsets.US_ASCII);
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(true, 0x4, RawWebSocket.TEXT, deflate(text), true); // a few hundred bytes on the wire
      assertThat(ws.awaitCloseCode()).isEqualTo(1009);
      assertThat(server.engine().stats().count(Refusal.UNTRUSTED_INPUT_LIMIT)).isEqualTo(1);
    }
  }

  @Test
  void corruptCompressedDataCloses1007AndBadReservedBits1002() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).build());
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(true, 0x4, RawWebSocket.TEXT, new byte[] {(byte) 0xff, (byte) 0xff, 0x12, 0x34}, true);
      assertThat(ws.awaitCloseCode()).isEqualTo(1007);
    }
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(false, 0x4, RawWebSocket.TEXT, deflate("4ab".getBytes(StandardCharsets.US_ASCII)), true);
      ws.sendFrame(true, 0x4, RawWebSocket.CONTINUATION, new byte[] {0}, true); // RSV1 on a continuation
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(true, 0x2, RawWebSocket.TEXT, "4x".getBytes(StandardCharsets.US_ASCII), true); // RSV2
      assertThat(ws.awaitCloseCode()).isEqualTo(1002);
    }
  }

  @Test
  void fragmentedCompressedMessageIsReassembled() throws Exception {
    start(PerMessageDeflate.builder().enabled(true).build());
    byte[] compressed = deflate(("4" + LARGE).getBytes(StandardCharsets.UTF_8));
    int half = compressed.length / 2;
    try (RawWebSocket ws = raw()) {
      ws.sendFrame(false, 0x4, RawWebSocket.TEXT, Arrays.copyOfRange(compressed, 0, half), true);
      ws.sendFrame(true, 0, RawWebSocket.PING, new byte[0], true);
      ws.sendFrame(true, 0, RawWebSocket.CONTINUATION, Arrays.copyOfRange(compressed, half, compressed.length), true);
      RawWebSocket.Frame f = ws.readFrame();
      if (f.opcode() == RawWebSocket.PONG) {
        f = ws.readFrame();
      }
      assertThat(f.rsv()).isEqualTo(4);
      assertThat(inflate(f.payload())).isEqualTo("4" + LARGE);
    }
  }

  private static String inflate(byte[] payload) throws Exception {
    java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
    inflater.setInput(concat(payload, new byte[] {0, 0, (byte) 0xff, (byte) 0xff}));
    byte[] out = new byte[1 << 20];
    int n = inflater.inflate(out);
    inflater.end();
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
