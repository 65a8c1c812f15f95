package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How sessions sent to from their own event loop are flushed: by one task for all of them, after the task that sent,
 * and still when one of their transports fails.
 */
class EngineSessionFlushTest {
  private final EngineServer server = new EngineServer(EngineOptions.DEFAULT);
  private final EmbeddedChannel loop = new EmbeddedChannel();

  /** A WebSocket-like transport that records what it is given, or fails on every batch. */
  private static final class Recording implements EngineTransport {
    final List<String> sent = new ArrayList<>();
    final boolean fails;

    Recording(boolean fails) {
      this.fails = fails;
    }

    @Override
    public Transport kind() {
      return Transport.WEBSOCKET;
    }

    @Override
    public boolean writable() {
      return true;
    }

    @Override
    public void send(List<EngineMessage> packets) {
      if (fails) {
        throw new IllegalStateException("test: this transport fails");
      }
      for (EngineMessage m : packets) {
        sent.add(new String(m.webSocketFrame(), 2, m.webSocketFrame().length - 2,
            java.nio.charset.StandardCharsets.UTF_8));
      }
    }

    @Override
    public void close(CloseReason reason, String description) {
    }

    @Override
    public void discard() {
    }
  }

  private EngineSession session(String id, Recording transport) {
    EngineRequest request = new EngineRequest("GET", "/engine.io/", Map.of(), Map.of(),
        new InetSocketAddress("127.0.0.1", 1), false, Instant.now());
    return new EngineSession(server, id, request, loop.eventLoop(), transport);
  }

  @Test
  void whatATaskSendsLeavesAfterItInOneBatchPerSession() {
    Recording a = new Recording(false);
    Recording b = new Recording(false);
    EngineSession sa = session("a", a);
    EngineSession sb = session("b", b);
    loop.eventLoop().execute(() -> {
      sa.send(EngineMessage.text("x"));
      sb.send(EngineMessage.text("x"));
      sa.send(EngineMessage.text("y"));
      assertThat(a.sent).as("nothing leaves while the sending task runs").isEmpty();
    });
    loop.runPendingTasks();
    assertThat(a.sent).containsExactly("4x", "4y");
    assertThat(b.sent).containsExactly("4x");
  }

  @Test
  void twoLoopsOnOneThreadEachFlushTheirOwnSessions() {
    // embedded test loops run on the caller's thread: one of them never run must not hold back the other
    EmbeddedChannel idle = new EmbeddedChannel();
    Recording a = new Recording(false);
    Recording b = new Recording(false);
    EngineSession onIdle = new EngineSession(server, "idle", session("x", a).request(), idle.eventLoop(), a);
    EngineSession sb = session("b", b);
    onIdle.send(EngineMessage.text("never run")); // an embedded loop is "in" on any thread: its flush task is
                                                  // queued there and never run
    loop.eventLoop().execute(() -> sb.send(EngineMessage.text("x")));
    loop.runPendingTasks();
    assertThat(b.sent).containsExactly("4x");
  }

  @Test
  void aTransportThatFailsDoesNotStopTheOthersNowOrLater() {
    Recording broken = new Recording(true);
    Recording fine = new Recording(false);
    EngineSession sBroken = session("broken", broken);
    EngineSession sFine = session("fine", fine);
    loop.eventLoop().execute(() -> {
      sBroken.send(EngineMessage.text("1"));
      sFine.send(EngineMessage.text("1"));
    });
    loop.runPendingTasks();
    assertThat(fine.sent).containsExactly("41");
    // the next broadcast from this loop is flushed too: the failed pass left no session behind
    loop.eventLoop().execute(() -> sFine.send(EngineMessage.text("2")));
    loop.runPendingTasks();
    assertThat(fine.sent).containsExactly("41", "42");
  }
}
