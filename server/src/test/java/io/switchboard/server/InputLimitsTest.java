package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.InputBudget;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.URI;
import java.time.Duration;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * What a client may make the server hold, and for how long: the attachments of one packet share
 * {@code maxHttpBufferSize}, wait at most {@code attachmentTimeout} and are reserved from the server-wide input budget;
 * a client sends at most {@code preConnectInputLimit} and waits at most {@code connectTimeout} before it joins a
 * namespace. Every scenario ends with the budget back to 0.
 */
class InputLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A server with the reference echo app that records disconnect reasons and what reached the handlers. */
  private static final class Fixture implements AutoCloseable {
    final TestServer t;
    final Recorder app = new Recorder();
    final EngineHttpClient http;

    Fixture(ServerOptions options) {
      t = new TestServer(options);
      t.io.onConnection(s -> {
        s.on("message", (args, ack) -> {
          app.record("message");
          s.emit("message-back", args.toArray());
        });
        s.onDisconnect((reason, description) -> app.record("disconnect", reason));
      });
      http = new EngineHttpClient(URI.create(t.url() + "/socket.io/"));
    }

    WebSocketRecorder open() {
      WebSocketRecorder ws = http.websocket("transport=websocket").autoPong(true);
      assertThat(ws.awaitText(WAIT)).startsWith("0{");
      return ws;
    }

    WebSocketRecorder connected() {
      WebSocketRecorder ws = open();
      ws.sendText("40");
      assertThat(ws.awaitText(WAIT)).startsWith("40{\"sid\":");
      return ws;
    }

    InputBudget budget() {
      return t.io.engine().inputBudget();
    }

    /** Polls the budget until {@code condition} holds for the bytes it has reserved. */
    void awaitBudget(LongPredicate condition, String what) {
      Await.until(() -> "input budget never " + what + ": " + budget(), WAIT,
          () -> condition.test(budget().used()));
    }

    void awaitBudgetReleased() {
      awaitBudget(used -> used == 0, "back to 0");
    }

    @Override
    public void close() {
      t.close();
    }
  }

  /** The characters of a message that the server holds: its Engine.IO type prefix is gone. */
  private static int held(String message) {
    return message.length() - 1;
  }

  /** A BINARY_EVENT header for {@code event} with {@code n} placeholders, on the main namespace. */
  private static String binaryEvent(String event, int n) {
    StringBuilder b = new StringBuilder("45").append(n).append("-[\"").append(event).append('"');
    for (int i = 0; i < n; i++) {
      b.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
    }
    return b.append(']').toString();
  }

  @Test
  void theDefaultsBoundWhatAClientMayHoldBeforeAndWhileItAssemblesAPacket() {
    ServerOptions d = ServerOptions.DEFAULT;
    assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.attachmentTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(d.preConnectInputLimit()).isEqualTo(64 * 1024);
    assertThat(d.engine().untrustedInputLimit()).isEqualTo(64 * 1024);
    ServerOptions custom = ServerOptions.builder()
        .engine(EngineOptions.builder().untrustedInputLimit(Long.MAX_VALUE).build())
        .preConnectInputLimit(1000)
        .build();
    assertThat(custom.engine().untrustedInputLimit()).isEqualTo(1000);
    assertThat(custom.toBuilder().build().engine().untrustedInputLimit()).isEqualTo(1000);
    try (Server io = new Server(custom)) {
      assertThat(io.engine().options().untrustedInputLimit()).isEqualTo(1000);
    }
  }

  @Test
  void attachmentsOfOnePacketShareMaxHttpBufferSize() {
    try (Fixture f = new Fixture(ServerOptions.DEFAULT)) {
      WebSocketRecorder ws = f.connected();
      ws.sendText(binaryEvent("message", 10));
      byte[] attachment = new byte[200_000];
      for (int i = 0; i < 5; i++) {       // the fifth brings the packet past 1,000,000
        ws.sendBinary(attachment);
      }
      for (int i = 5; i < 10; i++) {
        try {
          ws.sendBinary(attachment);
        } catch (AssertionError closedMeanwhile) {
          break;
        }
      }
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
      assertThat(f.app.await("disconnect").arg(0)).isEqualTo(DisconnectReason.PARSE_ERROR);
      f.app.assertNone(Duration.ofMillis(100));
      f.awaitBudgetReleased();
    }
  }

  @Test
  void aPacketWithinMaxHttpBufferSizeInAllPasses() {
    try (Fixture f = new Fixture(ServerOptions.DEFAULT)) {
      WebSocketRecorder ws = f.connected();
      ws.sendText(binaryEvent("message", 4));
      for (int i = 0; i < 4; i++) {
        ws.sendBinary(new byte[200_000]);
      }
      assertThat(ws.awaitText(WAIT)).isEqualTo(binaryEvent("message-back", 4));
      for (int i = 0; i < 4; i++) {
        assertThat(ws.awaitBinary(WAIT)).hasSize(200_000);
      }
      f.awaitBudgetReleased();
    }
  }

  @Test
  void anAttachmentThatNeverComesClosesTheConnectionAfterTheAttachmentTimeout() {
    try (Fixture f = new Fixture(ServerOptions.builder().attachmentTimeout(Duration.ofMillis(300)).build())) {
      WebSocketRecorder ws = f.connected();
      String header = binaryEvent("message", 2);
      long start = System.nanoTime();
      ws.sendText(header);
      ws.sendBinary(new byte[1000]);
      f.awaitBudget(used -> used == held(header) + 1000, "reserved the waiting packet");
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(f.app.await("disconnect").arg(0)).isEqualTo(DisconnectReason.PARSE_ERROR);
      f.app.assertNone(Duration.ofMillis(100));
      f.awaitBudgetReleased();
    }
  }

  @Test
  void aPacketCompletedInTimeReleasesItsReservationAndItsTimer() {
    try (Fixture f = new Fixture(ServerOptions.builder().attachmentTimeout(Duration.ofMillis(300)).build())) {
      WebSocketRecorder ws = f.connected();
      String header = binaryEvent("message", 2);
      ws.sendText(header);
      ws.sendBinary(new byte[] {1});
      f.awaitBudget(used -> used == held(header) + 1, "reserved the waiting packet");
      ws.sendBinary(new byte[] {2});
      assertThat(ws.awaitText(WAIT)).isEqualTo(binaryEvent("message-back", 2));
      ws.awaitBinary(WAIT);
      ws.awaitBinary(WAIT);
      f.awaitBudgetReleased();
      // the timer of the completed packet is gone: the connection outlives it
      assertThat(ws.poll(Duration.ofMillis(600))).isNull();
      ws.sendText("42[\"message\",\"still here\"]");
      assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",\"still here\"]");
    }
  }

  @Test
  void attachmentsWaitingWhenTheClientLeavesAreReleased() {
    try (Fixture f = new Fixture(ServerOptions.DEFAULT)) {
      WebSocketRecorder ws = f.connected();
      ws.sendText(binaryEvent("message", 3));
      ws.sendBinary(new byte[50_000]);
      f.awaitBudget(used -> used > 50_000, "reserved the waiting packet");
      ws.close();
      f.app.await("disconnect");
      f.awaitBudgetReleased();
    }
  }

  @Test
  void aRefusedReservationClosesThatClientOnly() {
    EngineOptions engine = EngineOptions.builder().maxHttpBufferSize(100_000).maxBufferedInput(100_000).build();
    try (Fixture f = new Fixture(ServerOptions.builder().engine(engine).build())) {
      WebSocketRecorder holder = f.connected();
      WebSocketRecorder other = f.connected();
      holder.sendText(binaryEvent("message", 2));
      holder.sendBinary(new byte[60_000]);
      f.awaitBudget(used -> used > 60_000, "reserved the first packet");
      long refusals = f.budget().refusals();

      other.sendText(binaryEvent("message", 2));
      other.sendBinary(new byte[60_000]);       // 120 KB would be held in all: refused
      assertThat(other.awaitEnd(WAIT)).isNotNull();
      assertThat(f.budget().refusals()).isGreaterThan(refusals);

      holder.sendBinary(new byte[] {7});
      assertThat(holder.awaitText(WAIT)).isEqualTo(binaryEvent("message-back", 2));
      assertThat(holder.awaitBinary(WAIT)).hasSize(60_000);
      assertThat(holder.awaitBinary(WAIT)).containsExactly(7);
      f.awaitBudgetReleased();
    }
  }

  @Test
  void binaryFramesBeforeConnectArePassedTheirLimit() {
    try (Fixture f = new Fixture(ServerOptions.DEFAULT)) {
      WebSocketRecorder ws = f.open();
      long start = System.nanoTime();
      String header = binaryEvent("message", 10);
      ws.sendText(header);
      byte[] frame = new byte[20_000];
      for (int i = 0; i < 3; i++) {
        ws.sendBinary(frame);
      }
      // 60 KB plus the header: under 64 KiB, held and waiting
      f.awaitBudget(used -> used == held(header) + 60_000, "reserved the waiting packet");
      assertThat(ws.poll(Duration.ofMillis(100))).isNull();
      ws.sendBinary(frame);                    // 80 KB: past the limit
      try {
        ws.sendBinary(frame);
      } catch (AssertionError closedMeanwhile) {
        // the server may have closed already
      }
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
      // neither the connect timeout nor the attachment timeout (10 s each) closed it
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      f.awaitBudgetReleased();
      f.app.assertNone(Duration.ofMillis(100));
    }
  }

  @Test
  void textBeforeConnectCountsAgainstTheLimitToo() {
    try (Fixture f = new Fixture(ServerOptions.DEFAULT)) {
      WebSocketRecorder ws = f.open();
      String pad = "x".repeat(10_000);
      for (int i = 0; i < 6; i++) {              // about 60 KB: each CONNECT to an unknown namespace is refused
        ws.sendText("40/nowhere" + i + ",{\"pad\":\"" + pad + "\"}");
        assertThat(ws.awaitText(WAIT)).startsWith("44/nowhere" + i + ",");
      }
      ws.sendText("40/nowhere,{\"pad\":\"" + pad + "\"}");   // about 70 KB
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
    }
  }

  @Test
  void afterConnectALargeAttachmentAndALargeTextPass() {
    try (Fixture f = new Fixture(ServerOptions.DEFAULT)) {
      WebSocketRecorder ws = f.connected();
      ws.sendText(binaryEvent("message", 1));
      ws.sendBinary(new byte[500_000]);
      assertThat(ws.awaitText(WAIT)).isEqualTo(binaryEvent("message-back", 1));
      assertThat(ws.awaitBinary(WAIT)).hasSize(500_000);
      String big = "y".repeat(200_000);
      ws.sendText("42[\"message\",\"" + big + "\"]");
      assertThat(ws.awaitText(WAIT)).isEqualTo("42[\"message-back\",\"" + big + "\"]");
      f.awaitBudgetReleased();
    }
  }

  @Test
  void aClientThatJoinsNoNamespaceIsClosedAfterTheConnectTimeout() {
    try (Fixture f = new Fixture(ServerOptions.builder().connectTimeout(Duration.ofMillis(300)).build())) {
      long start = System.nanoTime();
      WebSocketRecorder ws = f.open();
      assertThat(ws.awaitEnd(WAIT)).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      f.awaitBudgetReleased();
    }
  }
}
