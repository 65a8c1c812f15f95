package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Ack;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Acknowledgements both ways, timeouts, and broadcast acknowledgements. */
class AcksTest {

  private static Socket connectedJavaClient(TestServer t, Recorder client) {
    Socket c = t.client("/");
    c.on(Socket.EVENT_CONNECT, client.listener("connect"));
    c.connect();
    client.await("connect");
    return c;
  }

  @Test
  void aClientEventIsAcknowledgedOnce() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> s.on("save", (args, ack) -> {
        server.record("requested", ack.requested());
        server.record("first", ack.send("saved", args.string(0)));
        server.record("second", ack.send("again"));
      }));
      Recorder client = new Recorder();
      Socket c = connectedJavaClient(t, client);
      c.emit("save", new Object[] {"note"}, (Ack) args -> client.record("ack", args));
      assertThat(client.await("ack").args()).containsExactly("saved", "note");
      assertThat(server.await("requested").arg(0)).isEqualTo(true);
      assertThat(server.await("first").arg(0)).isEqualTo(true);
      assertThat(server.await("second").arg(0)).isEqualTo(false);
      client.assertNone(Duration.ofMillis(300));
    }
  }

  @Test
  void anEventWithoutAckGetsAnInertAck() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> s.on("fire", (args, ack) -> server.record("ack", ack.requested(), ack.send("x"))));
      Socket c = connectedJavaClient(t, new Recorder());
      c.emit("fire", 1);
      assertThat(server.await("ack").args()).containsExactly(false, false);
    }
  }

  @Test
  void emitWithAckCompletesWithTheClientsAnswer() throws Exception {
    try (TestServer t = new TestServer()) {
      CompletableFuture<Args> answer = new CompletableFuture<>();
      t.io.onConnection(s -> s.emitWithAck("question", "what?").whenComplete((a, e) -> {
        if (e != null) {
          answer.completeExceptionally(e);
        } else {
          answer.complete(a);
        }
      }));
      Socket c = t.client("/");
      c.on("question", args -> ((Ack) args[args.length - 1]).call("answer", 7));
      c.connect();
      Args a = answer.get(15, TimeUnit.SECONDS);
      assertThat(a.string(0)).isEqualTo("answer");
      assertThat(a.get(1, Integer.class)).isEqualTo(7);
    }
  }

  @Test
  void emitWithAckTimesOut() throws Exception {
    try (TestServer t = new TestServer()) {
      CompletableFuture<Throwable> failure = new CompletableFuture<>();
      long[] started = new long[1];
      t.io.onConnection(s -> {
        started[0] = System.nanoTime();
        s.timeout(Duration.ofMillis(300)).emitWithAck("silence").whenComplete((a, e) -> failure.complete(e));
      });
      Socket c = t.client("/");
      c.on("silence", args -> { });
      c.connect();
      Throwable e = failure.get(15, TimeUnit.SECONDS);
      assertThat(e).isInstanceOf(AckTimeoutException.class).hasMessage("operation has timed out");
      assertThat(System.nanoTime() - started[0]).isGreaterThanOrEqualTo(Duration.ofMillis(290).toNanos());
    }
  }

  @Test
  void emitWithAckFailsWhenTheSocketDisconnects() throws Exception {
    try (TestServer t = new TestServer()) {
      CompletableFuture<Throwable> failure = new CompletableFuture<>();
      Recorder client = new Recorder();
      t.io.onConnection(s -> s.emitWithAck("never").whenComplete((a, e) -> failure.complete(e)));
      Socket c = t.client("/");
      c.on("never", client.listener("never"));
      c.connect();
      client.await("never");
      c.disconnect();
      assertThat(failure.get(15, TimeUnit.SECONDS)).hasMessage("socket has been disconnected");
    }
  }

  @Test
  void npmClientGetsAcknowledgementsFromTheServer() {
    try (TestServer t = new TestServer(); NodeClient c = NodeClient.start(t.url(), "/", "--transports", "polling")) {
      t.io.onConnection(s -> s.on("sum", (args, ack) -> ack.send(args.get(0, Integer.class) + args.get(1, Integer.class))));
      c.connected();
      c.emitWithAck(7, "sum", 2, 3);
      JsonNode ack = c.await("ack");
      assertThat(ack.get("ref").asInt()).isEqualTo(7);
      assertThat(ack.get("args").get(0).asInt()).isEqualTo(5);
    }
  }

  @Test
  void broadcastEmitWithAckCollectsEveryAnswer() throws Exception {
    try (TestServer t = new TestServer(); NodeClient a = NodeClient.start(t.url(), "/");
        NodeClient b = NodeClient.start(t.url(), "/"); NodeClient c = NodeClient.start(t.url(), "/")) {
      a.connected();
      b.connected();
      c.connected();
      List<Args> answers = t.io.timeout(Duration.ofSeconds(10)).emitWithAck("vote", "yes?")
          .toCompletableFuture().get(15, TimeUnit.SECONDS);
      assertThat(answers).hasSize(3).allSatisfy(x -> assertThat(x.string(0)).isEqualTo("yes?"));
      assertThat(t.io.to("nobody").emitWithAck("vote").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
    }
  }

  @Test
  void broadcastEmitWithAckTimesOutWithThePartialAnswers() {
    try (TestServer t = new TestServer(); NodeClient a = NodeClient.start(t.url(), "/");
        NodeClient b = NodeClient.start(t.url(), "/"); NodeClient mute = NodeClient.start(t.url(), "/", "--no-ack")) {
      a.connected();
      b.connected();
      mute.connected();
      var stage = t.io.timeout(Duration.ofMillis(1500)).emitWithAck("vote");
      assertThatThrownBy(() -> stage.toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause().isInstanceOf(AckTimeoutException.class)
          .satisfies(e -> assertThat(((AckTimeoutException) e).partialResponses()).hasSize(2));
    }
  }
}
