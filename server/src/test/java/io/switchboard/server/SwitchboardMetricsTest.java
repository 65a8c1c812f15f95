package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.socket.client.Ack;
import io.socket.client.Socket;
import io.switchboard.server.metrics.MetricsOptions;
import io.switchboard.server.metrics.SwitchboardMetrics;
import io.switchboard.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Each meter family of {@link SwitchboardMetrics}, read from a {@link SimpleMeterRegistry} over real clients. */
class SwitchboardMetricsTest {
  private static final Duration WAIT = TestServer.WAIT;

  private static SwitchboardMetrics bind(TestServer t, MeterRegistry r, MetricsOptions o) {
    SwitchboardMetrics m = new SwitchboardMetrics(t.io, o);
    m.bindTo(r);
    return m;
  }

  private static Socket connected(TestServer t, String nsp, String... transports) {
    Recorder rec = new Recorder();
    Socket c = transports.length == 0 ? t.client(nsp) : t.client(nsp, java.util.Map.of(), transports);
    c.on(Socket.EVENT_CONNECT, rec.listener("connect"));
    c.connect();
    rec.await("connect");
    return c;
  }

  private static double counter(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).functionCounter().count();
  }

  private static double gauge(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).gauge().value();
  }

  @Test
  void connectionsByTransportConnectsAndDisconnectsByReason() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer()) {
      bind(t, r, MetricsOptions.DEFAULT);
      Socket ws = connected(t, "/");
      Socket polling = connected(t, "/", "polling");
      Await.until("one of each", WAIT, () -> gauge(r, "switchboard.connections", "namespace", "/", "transport",
          "websocket") == 1 && gauge(r, "switchboard.connections", "namespace", "/", "transport", "polling") == 1);
      assertThat(counter(r, "switchboard.connects", "namespace", "/")).isEqualTo(2);
      assertThat(counter(r, "switchboard.engine.sessions.opened")).isEqualTo(2);
      ws.disconnect();
      polling.disconnect();
      Await.until("both counted out", WAIT,
          () -> counter(r, "switchboard.disconnects", "reason", "client_namespace_disconnect") == 2);
      assertThat(gauge(r, "switchboard.connections", "namespace", "/", "transport", "websocket")).isZero();
      assertThat(gauge(r, "switchboard.connections", "namespace", "/", "transport", "polling")).isZero();
    }
  }

  @Test
  void anUpgradeMovesTheSocketToWebSocket() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer()) {
      bind(t, r, MetricsOptions.DEFAULT);
      connected(t, "/", "polling", "websocket");
      Await.until("upgraded", WAIT, () -> counter(r, "switchboard.upgrades") == 1
          && gauge(r, "switchboard.connections", "namespace", "/", "transport", "websocket") == 1);
      assertThat(gauge(r, "switchboard.connections", "namespace", "/", "transport", "polling")).isZero();
    }
  }

  @Test
  void eventsInAndOutBroadcastsAndListedNamesOnly() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer()) {
      bind(t, r, MetricsOptions.builder().eventNames(Set.of("ping")).build());
      CountDownLatch got = new CountDownLatch(4);
      t.io.onConnection(s -> {
        s.on("ping", (args, ack) -> got.countDown());
        s.on("other", (args, ack) -> got.countDown());
      });
      Socket a = connected(t, "/");
      Socket b = connected(t, "/");
      a.emit("ping", 1);
      a.emit("ping", 2);
      b.emit("ping", 3);
      b.emit("other", 4);
      Await.until("four events", WAIT, () -> got.getCount() == 0);
      assertThat(counter(r, "switchboard.events.received", "namespace", "/")).isEqualTo(4);
      assertThat(counter(r, "switchboard.events.named.received", "event", "ping")).isEqualTo(3);
      assertThat(r.find("switchboard.events.named.received").tags("event", "other").meter()).isNull();
      Recorder rec = new Recorder();
      b.on("news", rec.listener("news"));
      t.io.emit("news", "hello");
      rec.await("news");
      assertThat(counter(r, "switchboard.broadcasts", "namespace", "/")).isEqualTo(1);
      assertThat(counter(r, "switchboard.broadcast.deliveries", "namespace", "/")).isEqualTo(2);
      assertThat(counter(r, "switchboard.events.sent", "namespace", "/")).isEqualTo(2);
      assertThat(r.get("switchboard.received").functionCounter().count()).isPositive();
      assertThat(r.get("switchboard.sent").functionCounter().count()).isPositive();
    }
  }

  @Test
  void acksPendingTimeoutsAndRoundTrips() throws Exception {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer()) {
      bind(t, r, MetricsOptions.DEFAULT);
      java.util.concurrent.BlockingQueue<io.switchboard.server.Socket> sockets =
          new java.util.concurrent.LinkedBlockingQueue<>();
      t.io.onConnection(sockets::add);
      Socket c = connected(t, "/");
      c.on("answer", args -> ((Ack) args[args.length - 1]).call("yes"));
      io.switchboard.server.Socket s = sockets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      s.emitWithAck("answer").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      FunctionTimer rtt = r.get("switchboard.ack.roundtrip").functionTimer();
      assertThat(rtt.count()).isEqualTo(1);
      assertThat(rtt.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      var silent = s.timeout(Duration.ofMillis(200)).emitWithAck("unanswered");
      assertThat(gauge(r, "switchboard.acks.pending", "namespace", "/")).isEqualTo(1);
      Await.until("timed out", WAIT, () -> silent.toCompletableFuture().isDone());
      assertThat(counter(r, "switchboard.ack.timeouts", "namespace", "/")).isEqualTo(1);
      assertThat(gauge(r, "switchboard.acks.pending", "namespace", "/")).isZero();
    }
  }

  @Test
  void aBlockingHandlerShowsInQueueDepthAndHandlerTime() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer()) {
      bind(t, r, MetricsOptions.DEFAULT);
      CountDownLatch release = new CountDownLatch(1);
      t.io.blocking("slow"); // its client moves to the handler executor, where the queue is
      t.io.onConnection(s -> s.on("slow", (args, ack) -> {
        try {
          release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
      Socket c = connected(t, "/");
      c.emit("slow");
      c.emit("slow");
      c.emit("slow");
      Await.until("two events wait behind the blocked one", WAIT,
          () -> gauge(r, "switchboard.handler.queue.depth") == 2);
      sleepQuietly(150);
      release.countDown();
      Await.until("the queue drained", WAIT, () -> gauge(r, "switchboard.handler.queue.depth") == 0);
      TimeGauge max = r.get("switchboard.handler.time.max").timeGauge();
      assertThat(max.value(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
      assertThat(max.value(TimeUnit.MILLISECONDS)).as("reset by the read, no handler since").isZero();
      assertThat(r.get("switchboard.handler.time").functionTimer().count()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void handshakeFailuresByCause() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer()) {
      bind(t, r, MetricsOptions.DEFAULT);
      t.io.of("/private").use((socket, next) -> next.fail(new ConnectError("no")));
      Recorder rec = new Recorder();
      Socket nope = t.client("/nope");
      nope.on(Socket.EVENT_CONNECT_ERROR, rec.listener("error"));
      nope.connect();
      rec.await("error");
      Socket refused = t.client("/private");
      refused.on(Socket.EVENT_CONNECT_ERROR, rec.listener("error"));
      refused.connect();
      rec.await("error");
      Await.until("both counted", WAIT, () -> counter(r, "switchboard.handshake.failures", "cause", "invalid_namespace")
          == 1 && counter(r, "switchboard.handshake.failures", "cause", "middleware") == 1);
      assertThat(counter(r, "switchboard.handshake.failures", "cause", "connect_timeout")).isZero();
    }
  }

  @Test
  void limitsRefusedByCauseAndTheHttpServer() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer(ServerOptions.builder()
        .engine(ServerOptions.DEFAULT.engine().toBuilder().maxHttpBufferSize(1000).build()).build())) {
      bind(t, r, MetricsOptions.DEFAULT);
      Socket c = connected(t, "/");
      c.emit("big", "x".repeat(5000));
      Await.until("refused", WAIT, () -> counter(r, "switchboard.limits.refused", "cause", "message_too_big") == 1);
      assertThat(gauge(r, "switchboard.http.connections")).isGreaterThanOrEqualTo(0);
      assertThat(counter(r, "switchboard.http.refused", "cause", "per_ip")).isZero();
      assertThat(gauge(r, "switchboard.input.budget.limit")).isPositive();
    }
  }

  @Test
  void theEventLoopProbeMeasuresLatency() {
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (TestServer t = new TestServer();
        SwitchboardMetrics m = bind(t, r, MetricsOptions.builder().eventLoopProbe(Duration.ofMillis(50)).build())) {
      Await.until("probed", WAIT, () -> r.get("switchboard.eventloop.latency").functionTimer().count() >= 2);
    }
  }

  @Test
  void clusterAdapterStatsAndNamespacesCreatedAfterBinding() {
    InProcessClusterAdapter.Bus bus = new InProcessClusterAdapter.Bus();
    ServerOptions o = ServerOptions.builder().adapter(nsp -> new InProcessClusterAdapter(nsp, bus)).build();
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    try (bus; TestServer a = new TestServer(o); TestServer b = new TestServer(o)) {
      bind(a, r, MetricsOptions.DEFAULT);
      Await.until("two servers", WAIT, () -> gauge(r, "switchboard.cluster.servers", "namespace", "/") == 2);
      assertThat(gauge(r, "switchboard.cluster.link.up", "namespace", "/")).isEqualTo(1);
      a.io.emit("hello");
      assertThat(counter(r, "switchboard.cluster.messages.published", "namespace", "/")).isPositive();
      assertThat(counter(r, "switchboard.cluster.messages.received", "namespace", "/")).isPositive();
      assertThat(counter(r, "switchboard.cluster.publish.failures", "namespace", "/")).isZero();
      a.io.of("/late");
      assertThat(r.find("switchboard.connects").tags("namespace", "/late").functionCounter()).isNotNull();
      assertThat(r.find("switchboard.cluster.servers").tags("namespace", "/late").gauge()).isNotNull();
    }
  }

  @Test
  void nothingOutsideTheMetricsPackageRefersToMicrometer() throws IOException {
    Path classes = Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    try (Stream<Path> files = Files.walk(classes)) {
      List<Path> offenders = files.filter(p -> p.toString().endsWith(".class"))
          .filter(p -> !classes.relativize(p).toString().replace('\\', '/').startsWith("io/switchboard/server/metrics/"))
          .filter(p -> contains(p, "io/micrometer"))
          .toList();
      assertThat(offenders).isEmpty();
    }
  }

  private static boolean contains(Path classFile, String text) {
    try {
      return new String(Files.readAllBytes(classFile), java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
