package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Server#close(Duration)}: the clients are told to go in a way that makes the official client reconnect, over
 * a spread window; handlers in progress finish and their acks go out first; new connections are refused meanwhile.
 */
class GracefulCloseTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  /** Connects a raw WebSocket client to the main namespace. */
  private static WebSocketRecorder join(Server io) {
    EngineHttpClient http = new EngineHttpClient(URI.create("http://127.0.0.1:" + io.port() + "/socket.io/"));
    WebSocketRecorder ws = http.websocket("transport=websocket");
    assertThat(ws.awaitText(WAIT)).startsWith("0{");
    ws.sendText("40");
    assertThat(ws.awaitText(WAIT)).startsWith("40{");
    return ws;
  }

  private static Server listening(Server io) {
    return io.listen(new InetSocketAddress("127.0.0.1", 0));
  }

  @Test
  void theOfficialClientSeesItsTransportCloseAndReconnects() {
    Recorder server = new Recorder();
    Server first = listening(new Server());
    first.onConnection(s -> s.onDisconnect((reason, d) -> server.record("disconnect", reason)));
    int port = first.port();
    try (NodeClient client = NodeClient.start("http://127.0.0.1:" + port, "/", "--reconnect")) {
      client.connected();
      first.close(Duration.ofSeconds(2));
      // not "io server disconnect", after which the client would stay away
      assertThat(client.await("disconnect").path("reason").asText()).isEqualTo("transport close");
      assertThat(server.await("disconnect").arg(0)).isEqualTo(DisconnectReason.SERVER_SHUTTING_DOWN);
      // the restarted server (same port): the client is back by itself
      try (Server second = new Server().listen(new InetSocketAddress("127.0.0.1", port))) {
        assertThat(client.connected().path("id").asText()).isNotEmpty();
      }
    } finally {
      first.close();
    }
  }

  @Test
  void aWebSocketIsClosedWithGoingAway() {
    try (Server io = listening(new Server())) {
      WebSocketRecorder ws = join(io);
      io.close(Duration.ofSeconds(2));
      WebSocketRecorder.Closed closed = ws.awaitClose(WAIT);
      assertThat(closed.code()).isEqualTo(1001);
      assertThat(closed.reason()).isEqualTo("server shutting down");
    }
  }

  @Test
  void aHandlerInProgressFinishesAndItsAckGoesOutBeforeTheConnectionCloses() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> finished = new AtomicReference<>();
    Server io = listening(new Server());
    io.onConnection(s -> s.on("slow", (args, ack) -> {
      started.countDown();
      try {
        release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      finished.set("yes");
      ack.send("done");
    }));
    int port = io.port();
    WebSocketRecorder ws = join(io);
    ws.sendText("421[\"slow\"]");
    assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> io.close(Duration.ofSeconds(30)));
    // draining: the listening socket is closed, new connections are refused
    Await.until("the listening socket to close", WAIT, () -> refused(port));
    ws.sendText("422[\"slow\"]"); // sent after the client was told to go: dropped, never acknowledged
    assertThat(closing).isNotDone();
    release.countDown();
    assertThat(ws.awaitText(WAIT)).isEqualTo("431[\"done\"]");
    assertThat(ws.awaitClose(WAIT).code()).isEqualTo(1001);
    closing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // long before the 30 s: everyone left
    assertThat(finished.get()).isEqualTo("yes");
    assertThat(started.getCount()).isZero();
  }

  @Test
  void clientsAreToldToGoOneByOneOverHalfTheGracePeriod() throws Exception {
    int n = 8;
    Duration grace = Duration.ofSeconds(4); // spread: 2 s, a client every 250 ms
    List<Long> closedAt = Collections.synchronizedList(new ArrayList<>());
    try (Server io = listening(new Server())) {
      List<WebSocketRecorder> clients = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        clients.add(join(io));
      }
      List<Thread> watchers = new ArrayList<>();
      for (WebSocketRecorder ws : clients) {
        Thread t = new Thread(() -> {
          ws.awaitClose(WAIT);
          closedAt.add(System.nanoTime());
        });
        t.start();
        watchers.add(t);
      }
      long start = System.nanoTime();
      io.close(grace);
      long took = System.nanoTime() - start;
      for (Thread t : watchers) {
        t.join(WAIT.toMillis());
      }
      assertThat(closedAt).hasSize(n);
      long first = Collections.min(closedAt);
      long last = Collections.max(closedAt);
      System.out.printf("GracefulCloseTest: %d clients told to go over %d ms (first after %d ms), close took %d ms%n",
          n, TimeUnit.NANOSECONDS.toMillis(last - first), TimeUnit.NANOSECONDS.toMillis(first - start),
          TimeUnit.NANOSECONDS.toMillis(took));
      // the last one is due 1.75 s after the start, the first at once: not all in one moment
      assertThat(last - first).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
    }
  }

  @Test
  void theOffsetsAreEvenlySpacedOverTheWindow() {
    assertThat(Shutdown.offsets(4, 2_000)).containsExactly(0, 500, 1_000, 1_500);
    assertThat(Shutdown.offsets(1, 2_000)).containsExactly(0);
    assertThat(Shutdown.offsets(0, 2_000)).isEmpty();
    assertThat(Shutdown.offsets(3, 0)).containsExactly(0, 0, 0);
  }

  @Test
  void aHookSeesTheWindowAndHoldsTheClose() throws Exception {
    CompletableFuture<Void> work = new CompletableFuture<>();
    AtomicReference<Shutdown> seen = new AtomicReference<>();
    Server io = listening(new Server());
    io.onShutdown(s -> {
      seen.set(s);
      s.hold(work);
    });
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> io.close(Duration.ofSeconds(30)));
    Shutdown s = Await.value("the hook to run", WAIT, seen::get);
    assertThat(s.grace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.spread()).isEqualTo(Duration.ofSeconds(15));
    assertThat(s.nextDelay()).isBetween(Duration.ZERO, Duration.ofSeconds(15));
    assertThat(io.isClosing()).isTrue();
    assertThat(closing).isNotDone();
    work.complete(null);
    closing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void closeWithoutGraceIsImmediateAndANegativeGraceIsRefused() {
    Server io = listening(new Server());
    assertThatThrownBy(() -> io.close(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    WebSocketRecorder ws = join(io);
    io.close(); // the event loops stop at once too: the close frame (1001) may or may not make it out first
    assertThat(ws.awaitEnd(WAIT)).isNotNull();
  }

  private static boolean refused(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
