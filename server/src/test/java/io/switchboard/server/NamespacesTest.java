package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.socket.client.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** Static and dynamic namespaces, their isolation, parent broadcasts and middlewares, and cleanup. */
class NamespacesTest {

  @Test
  void staticNamespacesAreIsolated() {
    try (TestServer t = new TestServer()) {
      Recorder server = new Recorder();
      t.io.onConnection(s -> server.record("main", s.namespace().name()));
      t.io.of("/admin").onConnection(s -> server.record("admin", s.namespace().name()));
      Recorder client = new Recorder();
      Socket admin = t.client("/admin");
      admin.on(Socket.EVENT_CONNECT, client.listener("connect"));
      admin.on("news", client.listener("news"));
      admin.connect();
      client.await("connect");
      assertThat(server.await("admin").arg(0)).isEqualTo("/admin");
      t.io.emit("news", "for main only");
      t.io.of("/admin").emit("news", "for admin");
      assertThat(client.await("news").arg(0)).isEqualTo("for admin");
      assertThat(t.io.of("/admin").sockets()).hasSize(1);
      assertThat(t.io.sockets().sockets()).isEmpty();
    }
  }

  @Test
  void anUnknownNamespaceIsRefusedWithInvalidNamespace() throws Exception {
    try (TestServer t = new TestServer()) {
      Recorder client = new Recorder();
      Socket c = t.client("/nope");
      c.on(Socket.EVENT_CONNECT_ERROR, client.listener("error"));
      c.connect();
      JSONObject err = (JSONObject) client.await("error").arg(0);
      assertThat(err.getString("message")).isEqualTo("Invalid namespace");
    }
  }

  @Test
  void regexNamespacesAreCreatedOnDemandAndShareParentHandlers() {
    try (TestServer t = new TestServer(); NodeClient a = NodeClient.start(t.url(), "/dyn-1");
        NodeClient b = NodeClient.start(t.url(), "/dyn-22"); NodeClient bad = NodeClient.start(t.url(), "/dyn-x")) {
      ParentNamespace parent = t.io.of(Pattern.compile("^/dyn-\\d+$"));
      Recorder server = new Recorder();
      parent.use((socket, next) -> {
        socket.data("checked by parent");
        next.proceed();
      });
      parent.onConnection(s -> {
        server.record("connection", s.namespace().name(), s.data());
        s.emit("hello", s.namespace().name());
      });
      assertThat(a.awaitEvent("hello").get(0).asText()).isEqualTo("/dyn-1");
      assertThat(b.awaitEvent("hello").get(0).asText()).isEqualTo("/dyn-22");
      assertThat(bad.await("connect_error").get("message").asText()).isEqualTo("Invalid namespace");
      assertThat(server.await("connection").arg(1)).isEqualTo("checked by parent");
      assertThat(parent.children()).extracting(Namespace::name).containsExactlyInAnyOrder("/dyn-1", "/dyn-22");

      parent.emit("everyone", 1);
      assertThat(a.awaitEvent("everyone").get(0).asInt()).isEqualTo(1);
      assertThat(b.awaitEvent("everyone").get(0).asInt()).isEqualTo(1);
      assertThat(parent.fetchSockets().toCompletableFuture().join()).hasSize(2);
      t.io.of("/dyn-1").emit("only-one", 2);
      assertThat(a.awaitEvent("only-one").get(0).asInt()).isEqualTo(2);
    }
  }

  @Test
  void predicateNamespacesCanLookAtTheAuthPayload() {
    try (TestServer t = new TestServer();
        NodeClient ok = NodeClient.start(t.url(), "/tenant-a", "--auth", "{\"tenant\":\"a\"}");
        NodeClient wrong = NodeClient.start(t.url(), "/tenant-b", "--auth", "{\"tenant\":\"a\"}")) {
      t.io.of((name, auth) -> name.equals("/tenant-" + auth.get("tenant")))
          .onConnection(s -> s.emit("welcome", s.handshake().auth()));
      JsonNode welcome = ok.awaitEvent("welcome");
      assertThat(welcome.get(0).get("tenant").asText()).isEqualTo("a");
      assertThat(wrong.await("connect_error").get("message").asText()).isEqualTo("Invalid namespace");
    }
  }

  @Test
  void emptyChildNamespacesAreCleanedUpWhenAsked() {
    try (TestServer t = new TestServer(ServerOptions.builder().cleanupEmptyChildNamespaces(true).build());
        NodeClient c = NodeClient.start(t.url(), "/room-7")) {
      ParentNamespace parent = t.io.of(Pattern.compile("^/room-\\d+$"));
      Recorder server = new Recorder();
      parent.onConnection(s -> s.onDisconnect((r, d) -> server.record("gone")));
      c.connected();
      assertThat(parent.children()).hasSize(1);
      c.disconnect();
      server.await("gone");
      assertThat(parent.children()).isEmpty();
    }
  }

  @Test
  void broadcastOperatorsAreImmutable() {
    try (TestServer t = new TestServer()) {
      BroadcastOperator a = t.io.to("x");
      BroadcastOperator b = a.to("y").except("z").asVolatile().timeout(Duration.ofSeconds(1));
      assertThat(a.options().rooms()).containsExactly("x");
      assertThat(a.options().except()).isEmpty();
      assertThat(a.options().flags()).isEqualTo(BroadcastFlags.DEFAULT);
      assertThat(b.options().rooms()).isEqualTo(Set.of("x", "y"));
      assertThat(b.options().except()).containsExactly("z");
      assertThat(b.options().flags().volatileEmit()).isTrue();
      assertThat(b.options().flags().timeout()).isEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void reservedEventNamesCannotBeEmitted() {
    try (TestServer t = new TestServer()) {
      for (String name : new String[] {"connect", "connect_error", "disconnect", "disconnecting", "newListener",
          "removeListener"}) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.io.emit(name))
            .isInstanceOf(IllegalArgumentException.class);
      }
      assertThat(t.io.emit("fine", Map.of())).isTrue();
    }
  }
}
