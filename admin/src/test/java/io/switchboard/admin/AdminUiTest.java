package io.switchboard.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.Server;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import io.switchboard.engine.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin namespace's protocol as the npm {@code socket.io-client} (what the Admin UI page runs) sees it: sign-in,
 * config, stats, sockets, development-mode events and every command.
 */
class AdminUiTest {
  /** bcryptjs.hashSync("s3cret-admin", 4), made by the npm package the reference uses. */
  static final String HASH = "$2a$04$vKw2/MpV6X5ftJ7Wo2XEjOVLR4M2QnrLHBE7LLT9r7X.8li95Met6";
  static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> closing = new ArrayList<>();
  private Server io;
  private AdminUi admin;
  private HttpServer http;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private String start(AdminUiOptions options) {
    io = new Server();
    closing.add(io);
    io.onConnection(socket -> {
      socket.on("hello", (args, ack) -> socket.emit("hi", "there"));
      socket.on("join", (args, ack) -> socket.join(args.string(0)));
    });
    admin = AdminUi.instrument(io, options);
    closing.add(admin);
    http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), pipeline -> {
      pipeline.addLast(admin.newUiHandler());
      io.configure(pipeline);
    });
    closing.add(http::close);
    return "http://127.0.0.1:" + http.port();
  }

  private NodeScript adminClient(String url, String... auth) {
    List<String> args = new ArrayList<>(List.of("--url", url + "/admin"));
    args.addAll(List.of(auth));
    NodeScript s = NodeScript.start("admin-client.mjs", args);
    closing.add(s);
    return s;
  }

  private NodeScript client(String url, String name) {
    NodeScript s = NodeScript.start("recovery-client.mjs", "--url", url, "--name", name);
    closing.add(s);
    return s;
  }

  static Predicate<JsonNode> message(String name) {
    return NodeScript.event("message", "name", name);
  }

  static ObjectNode command(String event, Object... args) {
    ObjectNode c = NodeScript.command().put("op", "emit").put("event", event);
    var a = c.putArray("args");
    for (Object o : args) {
      a.addPOJO(o);
    }
    return c;
  }

  @Test
  void authIsRequiredToBeDecidedAndMustBeABcryptHash() {
    Server s = new Server();
    closing.add(s);
    assertThatThrownBy(() -> AdminUi.instrument(s, AdminUiOptions.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auth");
    assertThatThrownBy(() -> AdminUiOptions.builder().auth("admin", "plain-password"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bcrypt");
  }

  @Test
  void wrongPasswordIsRefusedAndTheRightOneGivesASessionThatSignsInAgain() {
    String url = start(AdminUiOptions.builder().auth("admin", HASH).build());
    NodeScript wrong = adminClient(url, "--username", "admin", "--password", "nope");
    assertThat(wrong.await(NodeScript.event("connect_error"), WAIT).get("message").asText())
        .isEqualTo("invalid credentials");
    NodeScript nobody = adminClient(url);
    assertThat(nobody.await(NodeScript.event("connect_error"), WAIT).get("message").asText())
        .isEqualTo("invalid credentials");

    NodeScript ok = adminClient(url, "--username", "admin", "--password", "s3cret-admin");
    ok.await(NodeScript.event("connect"), WAIT);
    String session = ok.await(message("session"), WAIT).get("args").get(0).asText();
    assertThat(session).hasSize(32);
    NodeScript again = adminClient(url, "--session", session);
    again.await(NodeScript.event("connect"), WAIT);
    NodeScript forged = adminClient(url, "--session", "0".repeat(32));
    forged.await(NodeScript.event("connect_error"), WAIT);
  }

  @Test
  void configStatsAndSocketsAsTheUiReadsThem() {
    String url = start(AdminUiOptions.builder().noAuth().serverId("java-1").build());
    NodeScript c = client(url, "c1");
    String sid = c.await(NodeScript.event("connect"), WAIT).get("id").asText();

    NodeScript ui = adminClient(url);
    JsonNode config = ui.await(message("config"), WAIT).get("args").get(0);
    assertThat(config.get("supportedFeatures")).extracting(JsonNode::asText).containsExactly(
        "EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS");
    JsonNode sockets = ui.await(message("all_sockets"), WAIT).get("args").get(0);
    JsonNode mine = null;
    for (JsonNode s : sockets) {
      if (s.get("id").asText().equals(sid)) {
        mine = s;
      }
    }
    assertThat(mine).as("all_sockets %s has %s", sockets, sid).isNotNull();
    assertThat(mine.get("nsp").asText()).isEqualTo("/");
    assertThat(mine.get("transport").asText()).isEqualTo("websocket");
    assertThat(mine.get("clientId").asText()).hasSize(12);
    assertThat(mine.get("rooms")).extracting(JsonNode::asText).containsExactly(sid);
    assertThat(mine.get("handshake").get("address").asText()).isEqualTo("127.0.0.1");
    assertThat(mine.get("handshake").get("query").get("EIO").asText()).isEqualTo("4");

    JsonNode stats = ui.await(message("server_stats"), WAIT).get("args").get(0);
    assertThat(stats.get("serverId").asText()).isEqualTo("java-1");
    assertThat(stats.get("hostname").asText()).isNotEmpty();
    assertThat(stats.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(stats.get("uptime").asDouble()).isPositive();
    assertThat(stats.get("clientsCount").asInt()).isEqualTo(2);
    assertThat(stats.get("pollingClientsCount").asInt()).isZero();
    assertThat(stats.get("aggregatedEvents").isArray()).isTrue();
    assertThat(stats.get("namespaces").toString()).contains("{\"name\":\"/\",\"socketsCount\":1}")
        .contains("{\"name\":\"/admin\",\"socketsCount\":1}");
  }

  @Test
  void developmentModeTellsEveryEventAndEachCommandActsOnTheSockets() {
    String url = start(AdminUiOptions.builder().noAuth().build());
    NodeScript ui = adminClient(url);
    ui.await(message("all_sockets"), WAIT);

    NodeScript c = client(url, "c1");
    String sid = c.await(NodeScript.event("connect"), WAIT).get("id").asText();
    JsonNode connected = ui.await(message("socket_connected")
        .and(e -> e.get("args").get(0).get("id").asText().equals(sid)), WAIT).get("args");
    assertThat(connected.get(0).get("nsp").asText()).isEqualTo("/");
    assertThat(connected.get(1).asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    c.send(NodeScript.command().put("id", 1).put("op", "emit").put("event", "hello")
        .set("args", NodeScript.command().arrayNode().add("world")));
    JsonNode received = ui.await(message("event_received"), WAIT).get("args");
    assertThat(received.get(0).asText()).isEqualTo("/");
    assertThat(received.get(1).asText()).isEqualTo(sid);
    assertThat(received.get(2).toString()).isEqualTo("[\"hello\",\"world\"]");
    JsonNode sent = ui.await(message("event_sent"), WAIT).get("args");
    assertThat(sent.get(2).toString()).isEqualTo("[\"hi\",\"there\"]");

    // join: the socket's own handler, then the UI's command for one socket (filter = its id)
    c.send(NodeScript.command().put("id", 2).put("op", "emit").put("event", "join")
        .set("args", NodeScript.command().arrayNode().add("own-room")));
    JsonNode joined = ui.await(message("room_joined"), WAIT).get("args");
    assertThat(joined.get(1).asText()).isEqualTo("own-room");
    ui.send(command("join", "/", "ui-room", sid));
    assertThat(ui.await(message("room_joined"), WAIT).get("args").get(1).asText()).isEqualTo("ui-room");
    Await.until("joined ui-room", WAIT, () -> io.sockets().sockets().get(sid).rooms().contains("ui-room"));

    // emit to a room: the client gets it
    ui.send(command("emit", "/", "ui-room", "news", "from admin"));
    JsonNode news = c.await(NodeScript.event("message", "name", "news"), WAIT);
    assertThat(news.get("args").get(0).asText()).isEqualTo("from admin");

    // leave, for every socket of the namespace (no filter)
    ui.send(command("leave", "/", "ui-room"));
    JsonNode left = ui.await(message("room_left"), WAIT).get("args");
    assertThat(left.get(1).asText()).isEqualTo("ui-room");
    assertThat(left.get(2).asText()).isEqualTo(sid);

    // disconnect one socket
    ui.send(command("_disconnect", "/", false, sid));
    assertThat(c.await(NodeScript.event("disconnect"), WAIT).get("reason").asText())
        .isEqualTo("io server disconnect");
    JsonNode gone = ui.await(message("socket_disconnected"), WAIT).get("args");
    assertThat(gone.get(1).asText()).isEqualTo(sid);
    assertThat(gone.get(2).asText()).isEqualTo("server namespace disconnect");
  }

  @Test
  void readonlyOffersNoCommandAndIgnoresThem() {
    String url = start(AdminUiOptions.builder().noAuth().readonly(true).mode(AdminUiOptions.Mode.PRODUCTION)
        .build());
    NodeScript c = client(url, "c1");
    String sid = c.await(NodeScript.event("connect"), WAIT).get("id").asText();
    NodeScript ui = adminClient(url);
    JsonNode config = ui.await(message("config"), WAIT).get("args").get(0);
    assertThat(config.get("supportedFeatures")).extracting(JsonNode::asText).containsExactly("AGGREGATED_EVENTS");
    ui.send(command("_disconnect", "/", true, sid));
    ui.send(command("join", "/", "marker"));
    // production mode sends no all_sockets; the next stats come after the commands were read and ignored
    ui.await(message("server_stats"), WAIT);
    ui.await(message("server_stats"), WAIT);
    assertThat(io.sockets().sockets().get(sid).rooms()).doesNotContain("marker");
    assertThat(ui.events()).noneMatch(message("all_sockets"));
  }

  @Test
  void servesTheUiOfThePinnedPackage() throws Exception {
    String url = start(AdminUiOptions.builder().noAuth().build());
    assertThat(admin.servesUi()).as("the build packaged ui/dist (npm ci in interop/)").isTrue();
    HttpClient h = HttpClient.newHttpClient();
    HttpResponse<String> redirect = h.send(HttpRequest.newBuilder(URI.create(url + "/admin")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("location")).hasValue("/admin/");
    HttpResponse<String> index = h.send(HttpRequest.newBuilder(URI.create(url + "/admin/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(index.body()).contains("<title>Socket.IO Admin UI</title>");
    String script = index.body().replaceAll("(?s).*<script src=\"(js/app\\.[0-9a-f]+\\.js)\".*", "$1");
    HttpResponse<String> js = h.send(HttpRequest.newBuilder(URI.create(url + "/admin/" + script)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.body()).contains("server_stats");
    for (String bad : List.of("/admin/../pom.xml", "/admin/%2e%2e/x", "/admin/js/nothing.js", "/admin/.hidden")) {
      HttpResponse<String> r = h.send(HttpRequest.newBuilder(URI.create(url + bad)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(bad).isEqualTo(404);
    }
  }
}
