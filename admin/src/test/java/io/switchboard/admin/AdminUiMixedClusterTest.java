package io.switchboard.admin;

import static io.switchboard.admin.AdminUiTest.HASH;
import static io.switchboard.admin.AdminUiTest.WAIT;
import static io.switchboard.admin.AdminUiTest.command;
import static io.switchboard.admin.AdminUiTest.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.engine.HttpServer;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.TestRedis;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Switchboard server and a Node socket.io 4.8.4 server instrumented by the real {@code @socket.io/admin-ui} 0.5.1,
 * one cluster through the Redis adapter: an admin client of either server sees both servers' stats and the sockets
 * of both, and a command sent to one reaches a socket of the other.
 */
class AdminUiMixedClusterTest {
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private NodeScript script(String name, String... args) {
    NodeScript s = NodeScript.start(name, args);
    closing.add(s);
    return s;
  }

  private static Predicate<JsonNode> statsOf(String serverId) {
    return message("server_stats").and(e -> e.get("args").get(0).get("serverId").asText().equals(serverId));
  }

  @Test
  void bothServersShowInOneDashboardAndCommandsCrossTheLanguages() {
    String key = "admin-mixed-" + UUID.randomUUID();
    RedisAdapterFactory redis = RedisAdapterFactory.create(TestRedis.uri(),
        RedisAdapterOptions.builder().key(key).build());
    closing.add(redis);
    Server io = new Server(ServerOptions.builder().adapter(redis).build());
    closing.add(io);
    AdminUi admin = AdminUi.instrument(io, AdminUiOptions.builder().auth("admin", HASH).serverId("java-1").build());
    closing.add(admin);
    HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), io::configure);
    closing.add(http::close);
    String javaUrl = "http://127.0.0.1:" + http.port();

    NodeScript node = script("admin-node-server.mjs", "--redis", TestRedis.uri(), "--key", key,
        "--server-id", "node-1", "--username", "admin", "--hash", HASH);
    String nodeUrl = "http://127.0.0.1:" + node.await(NodeScript.event("listening"), WAIT).get("port").asInt();

    NodeScript onJava = script("recovery-client.mjs", "--url", javaUrl, "--name", "j");
    String javaSocket = onJava.await(NodeScript.event("connect"), WAIT).get("id").asText();
    NodeScript onNode = script("recovery-client.mjs", "--url", nodeUrl, "--name", "n");
    String nodeSocket = onNode.await(NodeScript.event("connect"), WAIT).get("id").asText();

    // the admin client of the Java server: stats of both servers, sockets of both
    NodeScript uiJava = script("admin-client.mjs", "--url", javaUrl + "/admin", "--username", "admin",
        "--password", "s3cret-admin");
    uiJava.await(NodeScript.event("connect"), WAIT);
    JsonNode all = uiJava.await(message("all_sockets"), WAIT).get("args").get(0);
    assertThat(all.findValuesAsText("id")).contains(javaSocket, nodeSocket);
    for (JsonNode s : all) {
      if (s.get("id").asText().equals(nodeSocket)) {
        assertThat(s.get("clientId").asText()).as("the Node server's _admin data").hasSize(12);
        assertThat(s.get("data").has("_admin")).isFalse();
      }
    }
    JsonNode nodeStats = uiJava.await(statsOf("node-1"), WAIT).get("args").get(0);
    assertThat(nodeStats.get("clientsCount").asInt()).isEqualTo(1);
    uiJava.await(statsOf("java-1"), WAIT);

    // the admin client of the Node server sees the Java server too
    NodeScript uiNode = script("admin-client.mjs", "--url", nodeUrl + "/admin", "--username", "admin",
        "--password", "s3cret-admin");
    uiNode.await(NodeScript.event("connect"), WAIT);
    JsonNode allFromNode;
    try {
      allFromNode = uiNode.await(message("all_sockets"), WAIT).get("args").get(0);
    } catch (AssertionError e) {
      throw new AssertionError("node server: " + node.stderr(), e);
    }
    assertThat(allFromNode.findValuesAsText("id")).contains(javaSocket, nodeSocket);
    JsonNode javaStats = uiNode.await(statsOf("java-1"), WAIT).get("args").get(0);
    assertThat(javaStats.get("namespaces").toString()).contains("\"name\":\"/\"");

    // commands cross: Java's admin namespace joins and disconnects the socket on Node, Node's disconnects Java's
    uiJava.send(command("join", "/", "from-java", nodeSocket));
    uiJava.await(message("room_joined").and(e -> e.get("args").get(1).asText().equals("from-java")), WAIT);
    uiJava.send(command("_disconnect", "/", false, nodeSocket));
    assertThat(onNode.await(NodeScript.event("disconnect"), WAIT).get("reason").asText())
        .isEqualTo("io server disconnect");
    uiJava.await(message("socket_disconnected").and(e -> e.get("args").get(1).asText().equals(nodeSocket)), WAIT);
    uiNode.send(command("_disconnect", "/", false, javaSocket));
    assertThat(onJava.await(NodeScript.event("disconnect"), WAIT).get("reason").asText())
        .isEqualTo("io server disconnect");
  }
}
