package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.engine.Logs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Where handlers run ({@link HandlerDispatch}): ADAPTIVE keeps a client on its I/O thread until it sends an event
 * declared or seen blocking, then on the executor for good and in order; EXECUTOR and EVENT_LOOP do what they say.
 * The servers have one I/O thread, so every client shares it: a handler blocking it would stall them all.
 */
class HandlerDispatchTest {
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private Logger handlers;

  @BeforeEach
  void attach() {
    lines.start();
    handlers = (Logger) LoggerFactory.getLogger(Logs.HANDLERS);
    handlers.addAppender(lines);
  }

  @AfterEach
  void detach() {
    handlers.detachAppender(lines);
  }

  private static ServerOptions oneIoThread(HandlerDispatch dispatch) {
    return ServerOptions.builder()
        .http(HttpServerOptions.builder().threads(1).build())
        .handlerDispatch(dispatch)
        .build();
  }

  /** Where one handler run happened, in the order they ran. */
  private record Run(String what, int n, boolean onLoop) {
    static Run here(String what, int n) {
      return new Run(what, n, Dispatcher.onEventLoop());
    }
  }

  @Test
  void aHandlerSeenBlockingMovesItsClientToTheExecutorInOrderAndOthersKeepTheLoop() throws Exception {
    try (TestServer t = new TestServer(oneIoThread(HandlerDispatch.ADAPTIVE));
        NodeClient slow = NodeClient.start(t.url(), "/");
        NodeClient fast = NodeClient.start(t.url(), "/")) {
      List<Run> runs = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch echoed = new CountDownLatch(1);
      AtomicInteger slowRuns = new AtomicInteger();
      t.io.onConnection(s -> {
        s.on("work", (args, ack) -> {
          int n = args.get(0, Integer.class);
          runs.add(Run.here("work", n));
          if (slowRuns.incrementAndGet() <= Dispatcher.Track.STRIKES) {
            Thread.sleep(200); // ten thresholds: the run is seen blocking
          } else if (n == 4) {
            // holds on until the other client was answered: only possible off its (shared) I/O thread
            assertThat(echoed.await(20, TimeUnit.SECONDS)).isTrue();
          }
          ack.send(n);
        });
        s.on("echo", (args, ack) -> {
          runs.add(Run.here("echo", args.get(0, Integer.class)));
          ack.send(args.toArray());
        });
      });
      slow.connected();
      fast.connected();
      for (int n = 1; n <= 3; n++) {
        slow.emitWithAck(n, "work", n);
        assertThat(slow.await("ack").get("args").get(0).asInt()).isEqualTo(n);
      }
      assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().contains("event \"work\" of namespace /"))
          .hasSize(1);
      for (int n = 4; n <= 8; n++) {
        slow.emitWithAck(n, "work", n);
      }
      fast.emitWithAck(100, "echo", 100);
      assertThat(fast.await("ack").get("args").get(0).asInt()).isEqualTo(100);
      echoed.countDown();
      for (int n = 4; n <= 8; n++) {
        assertThat(slow.await("ack").get("args").get(0).asInt()).isEqualTo(n);
      }
      List<Run> work = runs.stream().filter(r -> r.what().equals("work")).toList();
      assertThat(work).extracting(Run::n).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
      assertThat(work).extracting(Run::onLoop).containsExactly(true, true, true, false, false, false, false, false);
      assertThat(runs).filteredOn(r -> r.what().equals("echo")).extracting(Run::onLoop).containsExactly(true);
      assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().contains("event \"work\"")).hasSize(1);
    }
  }

  @Test
  void threeSlowRunsInARowThatDoNotOverlapMakeAnEventBlocking() {
    long ms = 1_000_000;
    long threshold = 20 * ms;
    Dispatcher.Track t = new Dispatcher.Track("event \"x\" of namespace /", "");
    t.ran(0, 30 * ms, threshold);
    t.ran(100 * ms, 30 * ms, threshold);
    t.ran(200 * ms, 1 * ms, threshold);            // a fast run: the count starts over
    t.ran(300 * ms, 30 * ms, threshold);
    t.ran(310 * ms, 30 * ms, threshold);           // overlaps the last one (another loop, same stall): not counted
    t.ran(400 * ms, 30 * ms, threshold);
    assertThat(t.blocking).isFalse();
    t.ran(500 * ms, 30 * ms, threshold);
    assertThat(t.blocking).isTrue();
    assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().contains("event \"x\"")).hasSize(1);
    t.ran(600 * ms, 30 * ms, threshold);
    assertThat(lines.list).filteredOn(e -> e.getFormattedMessage().contains("event \"x\"")).hasSize(1);
  }

  @Test
  void madeUpEventNamesCostANamespaceABoundedNumberOfShortTracks() {
    try (Server server = new Server(ServerOptions.DEFAULT)) {
      Namespace nsp = server.of("/made-up");
      nsp.blocking("declared-" + "x".repeat(300)); // a declared name is found whatever its length
      assertThat(nsp.eventTrack("declared-" + "x".repeat(300)).blocking).isTrue();
      Dispatcher.Track longOne = nsp.eventTrack("y".repeat(10_000));
      assertThat(nsp.eventTrack("z".repeat(10_000))).isSameAs(longOne); // long names share the overflow track
      assertThat(longOne.toString()).doesNotContain("yyyy");
      for (int i = 0; i < 1_000; i++) {
        nsp.eventTrack("e" + i);
      }
      assertThat(nsp.eventTrack("e999")).isSameAs(longOne);               // past the bound: the overflow track too
      assertThat(nsp.eventTrack("e0")).isNotSameAs(longOne).isSameAs(nsp.eventTrack("e0"));
    }
  }

  @Test
  void aDeclaredBlockingEventNeverRunsOnAnEventLoopAndTheClientKeepsItsOrder() {
    try (TestServer t = new TestServer(oneIoThread(HandlerDispatch.ADAPTIVE));
        NodeClient c = NodeClient.start(t.url(), "/")) {
      List<Run> runs = Collections.synchronizedList(new ArrayList<>());
      t.io.blocking("jdbc");
      t.io.onConnection(s -> {
        runs.add(Run.here("connection", 0));
        s.on("quick", (args, ack) -> runs.add(Run.here("quick", args.get(0, Integer.class))));
        s.on("jdbc", (args, ack) -> runs.add(Run.here("jdbc", args.get(0, Integer.class))));
        s.on("done", (args, ack) -> ack.send(runs.size()));
      });
      c.connected();
      c.emit("quick", 1);
      c.emit("quick", 2);
      c.emit("jdbc", 3);
      c.emit("quick", 4);
      c.emit("jdbc", 5);
      c.emitWithAck(1, "done");
      assertThat(c.await("ack").get("args").get(0).asInt()).isEqualTo(6);
      assertThat(runs).containsExactly(new Run("connection", 0, true), new Run("quick", 1, true),
          new Run("quick", 2, true), new Run("jdbc", 3, false), new Run("quick", 4, false),
          new Run("jdbc", 5, false));
      assertThat(lines.list).isEmpty(); // declared: nothing to warn about
    }
  }

  @Test
  void aBlockingNamespaceRunsItsMiddlewaresAndConnectionHandlersOnTheExecutor() {
    try (TestServer t = new TestServer(oneIoThread(HandlerDispatch.ADAPTIVE));
        NodeClient db = NodeClient.start(t.url(), "/db");
        NodeClient plain = NodeClient.start(t.url(), "/plain")) {
      List<Run> runs = Collections.synchronizedList(new ArrayList<>());
      for (String name : List.of("/db", "/plain")) {
        Namespace nsp = t.io.of(name);
        if (name.equals("/db")) {
          nsp.blocking();
        }
        nsp.use((socket, next) -> {
          runs.add(Run.here(name + " middleware", 0));
          next.proceed();
        });
        nsp.onConnection(s -> {
          runs.add(Run.here(name + " connection", 0));
          s.on("e", (args, ack) -> {
            runs.add(Run.here(name + " e", 0));
            ack.send();
          });
        });
      }
      db.connected();
      plain.connected();
      db.emitWithAck(1, "e");
      db.await("ack");
      plain.emitWithAck(1, "e");
      plain.await("ack");
      assertThat(runs).filteredOn(r -> r.what().startsWith("/db")).extracting(Run::onLoop)
          .containsExactly(false, false, false);
      assertThat(runs).filteredOn(r -> r.what().startsWith("/plain")).extracting(Run::onLoop)
          .containsExactly(true, true, true);
    }
  }

  @Test
  void executorModeRunsEveryHandlerOnTheExecutor() {
    try (TestServer t = new TestServer(oneIoThread(HandlerDispatch.EXECUTOR));
        NodeClient c = NodeClient.start(t.url(), "/")) {
      List<Run> runs = Collections.synchronizedList(new ArrayList<>());
      t.io.use((socket, next) -> {
        runs.add(Run.here("middleware", 0));
        next.proceed();
      });
      t.io.onConnection(s -> {
        runs.add(Run.here("connection", 0));
        s.on("e", (args, ack) -> {
          runs.add(Run.here("e", args.get(0, Integer.class)));
          ack.send();
        });
        s.onDisconnect((r, d) -> runs.add(Run.here("disconnect", 0)));
      });
      c.connected();
      for (int n = 1; n <= 3; n++) {
        c.emitWithAck(n, "e", n);
        c.await("ack");
      }
      assertThat(runs).extracting(Run::what).containsExactly("middleware", "connection", "e", "e", "e");
      assertThat(runs).extracting(Run::onLoop).containsOnly(false);
    }
  }

  @Test
  void eventLoopModeKeepsEvenSlowHandlersOnTheLoop() {
    ServerOptions o = oneIoThread(HandlerDispatch.EVENT_LOOP).toBuilder().blockingThreshold(Duration.ofMillis(1))
        .build();
    try (TestServer t = new TestServer(o); NodeClient c = NodeClient.start(t.url(), "/")) {
      List<Run> runs = Collections.synchronizedList(new ArrayList<>());
      t.io.use((socket, next) -> {
        runs.add(Run.here("middleware", 0));
        next.proceed();
      });
      t.io.onConnection(s -> {
        runs.add(Run.here("connection", 0));
        s.on("e", (args, ack) -> {
          runs.add(Run.here("e", args.get(0, Integer.class)));
          Thread.sleep(5); // five thresholds, but EVENT_LOOP does not watch
          ack.send();
        });
      });
      c.connected();
      for (int n = 1; n <= 5; n++) {
        c.emitWithAck(n, "e", n);
        c.await("ack");
      }
      assertThat(runs).extracting(Run::what).containsExactly("middleware", "connection", "e", "e", "e", "e", "e");
      assertThat(runs).extracting(Run::onLoop).containsOnly(true);
      assertThat(lines.list).isEmpty();
    }
  }

  @Test
  void waitingForAnAckOnAnEventLoopFailsFast() {
    try (TestServer t = new TestServer(oneIoThread(HandlerDispatch.ADAPTIVE));
        NodeClient c = NodeClient.start(t.url(), "/")) {
      t.io.onConnection(s -> s.on("ask", (args, ack) -> {
        try {
          s.emitWithAck("question").toCompletableFuture().thenApply(a -> a).join();
          ack.send("waited");
        } catch (IllegalStateException e) {
          // chained instead, the answer comes
          s.emitWithAck("question").thenAccept(a -> ack.send("chained on the loop: " + Dispatcher.onEventLoop()));
        }
      }));
      c.connected();
      c.emitWithAck(1, "ask");
      JsonNode answer = c.await("ack").get("args");
      assertThat(answer.get(0).asText()).isEqualTo("chained on the loop: true");
    }
  }
}
