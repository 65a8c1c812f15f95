package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Namespace middlewares (connect_error with message and data), event middlewares, catch-all listeners, handshake. */
class MiddlewareTest {

  @Test
  void aRefusingMiddlewareSendsConnectErrorWithMessageAndData() throws Exception {
    try (TestServer t = new TestServer()) {
      t.io.use((socket, next) -> next.fail(new ConnectError("not authorized", Map.of("code", 42))));
      Recorder client = new Recorder();
      Socket c = t.client("/");
      c.on(Socket.EVENT_CONNECT_ERROR, client.listener("error"));
      c.connect();
      JSONObject err = (JSONObject) client.await("error").arg(0);
      assertThat(err.getString("message")).isEqualTo("not authorized");
      assertThat(err.getJSONObject("data").getInt("code")).isEqualTo(42);
      assertThat(t.io.sockets().sockets()).isEmpty();
    }
  }

  @Test
  void middlewaresRunInOrderMayBeAsyncAndMayThrow() {
    try (TestServer t = new TestServer(); NodeClient ok = NodeClient.start(t.url(), "/", "--auth", "{\"token\":\"good\"}");
        NodeClient bad = NodeClient.start(t.url(), "/", "--auth", "{\"token\":\"bad\"}")) {
      t.io.use((socket, next) -> {
        socket.data("first");
        CompletableFuture.runAsync(next::proceed, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
      });
      t.io.use((socket, next) -> {
        if (!"good".equals(socket.handshake().auth().get("token"))) {
          throw new IllegalStateException("bad token");
        }
        socket.data(socket.data() + ",second");
        next.proceed();
      });
      t.io.onConnection(s -> s.emit("data", s.data()));
      assertThat(ok.awaitEvent("data").get(0).asText()).isEqualTo("first,second");
      assertThat(bad.await("connect_error").get("message").asText()).isEqualTo("bad token");
    }
  }

  @Test
  void namespaceMiddlewaresApplyToTheirNamespaceOnly() {
    try (TestServer t = new TestServer(); NodeClient main = NodeClient.start(t.url(), "/");
        NodeClient admin = NodeClient.start(t.url(), "/admin")) {
      t.io.of("/admin").use((socket, next) -> next.fail(new ConnectError("admins only")));
      main.connected();
      assertThat(admin.await("connect_error").get("message").asText()).isEqualTo("admins only");
    }
  }

  @Test
  void handshakeCarriesAuthQueryHeadersAddressAndUrl() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> server.record("handshake", s.handshake()));
      IO.Options o = IO.Options.builder().setForceNew(true).setReconnection(false)
          .setTransports(new String[] {"polling"}).setAuth(Map.of("token", "abc")).setQuery("room=42")
          .setExtraHeaders(Map.of("X-Custom", List.of("yes"))).build();
      Socket c = IO.socket(URI.create(t.url()), o);
      try {
        c.connect();
        Handshake h = (Handshake) server.await("handshake").arg(0);
        assertThat(h.auth()).containsEntry("token", "abc");
        assertThat(h.query()).containsEntry("room", "42").containsEntry("EIO", "4");
        assertThat(h.headers()).containsEntry("x-custom", "yes");
        assertThat(h.address()).isEqualTo("127.0.0.1");
        assertThat(h.url()).startsWith("/socket.io/?");
        assertThat(h.secure()).isFalse();
        assertThat(h.xdomain()).isFalse();
        assertThat(h.issued()).isGreaterThan(System.currentTimeMillis() - 60_000);
      } finally {
        c.close();
      }
    }
  }

  @Test
  void eventMiddlewaresCanDropEventsAndReportErrors() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> {
        s.use((event, args, next) -> {
          if (event.equals("forbidden")) {
            next.fail(new IllegalStateException("not allowed: " + event));
          } else {
            next.proceed();
          }
        });
        s.onError(e -> server.record("error", e.getMessage()));
        s.on("forbidden", (args, ack) -> server.record("forbidden handler ran"));
        s.on("allowed", (args, ack) -> server.record("allowed", args.string(0)));
      });
      Recorder client = new Recorder();
      Socket c = t.client("/");
      c.on(Socket.EVENT_CONNECT, client.listener("connect"));
      c.connect();
      client.await("connect");
      c.emit("forbidden", "x");
      assertThat(server.await("error").arg(0)).isEqualTo("not allowed: forbidden");
      c.emit("allowed", "y");
      assertThat(server.await("allowed").arg(0)).isEqualTo("y");
    }
  }

  @Test
  void onAnySeesIncomingAndOnAnyOutgoingSeesOutgoingEvents() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> {
        s.onAny((event, args) -> server.record("in", event, args.string(0)));
        s.onAnyOutgoing((event, args) -> server.record("out", event, args.string(0)));
        s.on("ping", (args, ack) -> s.emit("pong", "p"));
      });
      Recorder client = new Recorder();
      Socket c = t.client("/");
      c.on(Socket.EVENT_CONNECT, client.listener("connect"));
      c.on("pong", client.listener("pong"));
      c.on("broadcast", client.listener("broadcast"));
      c.connect();
      client.await("connect");
      c.emit("ping", "q", (Ack) a -> { });
      Recorder.Event in = server.await("in");
      assertThat(in.args()).containsExactly("ping", "q");
      assertThat(server.await("out").args()).containsExactly("pong", "p");
      client.await("pong");
      t.io.emit("broadcast", "b");
      assertThat(server.await("out").args()).containsExactly("broadcast", "b");
    }
  }

  @Test
  void aPayloadThatDoesNotFitATypedHandlerReachesOnErrorOnly() {
    record Point(int x, int y) {}
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> {
        s.on("point", Point.class, (p, ack) -> server.record("point", p));
        s.onError(e -> server.record("error"));
      });
      Recorder client = new Recorder();
      Socket c = t.client("/");
      c.on(Socket.EVENT_CONNECT, client.listener("connect"));
      c.connect();
      client.await("connect");
      c.emit("point", "not a point");
      server.await("error");
      c.emit("point", new JSONObject(Map.of("x", 1, "y", 2)));
      assertThat(server.await("point").arg(0)).isEqualTo(new Point(1, 2));
    }
  }
}
