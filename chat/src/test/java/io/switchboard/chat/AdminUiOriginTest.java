package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.NodeScript;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hosted Admin UI's origin ({@code https://admin.socket.io}) reaches the chat's admin namespace, behind its
 * password, only while the Admin UI is on, and never the chat's own namespace.
 */
class AdminUiOriginTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String HASH = "$2a$04$vKw2/MpV6X5ftJ7Wo2XEjOVLR4M2QnrLHBE7LLT9r7X.8li95Met6";

  @TempDir
  Path dir;

  private ChatApp app;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private NodeScript client(String url, String... auth) {
    String[] args = new String[4 + auth.length];
    args[0] = "--url";
    args[1] = url;
    args[2] = "--origin";
    args[3] = ChatApp.ADMIN_SITE;
    System.arraycopy(auth, 0, args, 4, auth.length);
    return NodeScript.start("admin-client.mjs", args);
  }

  @Test
  void theHostedUiReachesOnlyTheAdminNamespaceAndOnlyWhenItIsOn() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dir)
        .adminUser("ops").adminPasswordHash(HASH).build());
    String url = "http://127.0.0.1:" + app.port();
    try (NodeScript admin = client(url + "/admin", "--username", "ops", "--password", "s3cret-admin");
        NodeScript chat = client(url + "/")) {
      admin.await(NodeScript.event("connect"), WAIT);
      assertThat(chat.await(NodeScript.event("connect_error"), WAIT).get("message").asText())
          .isEqualTo("origin not allowed");
    }
    app.close();
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dir).build());
    try (NodeScript admin = client("http://127.0.0.1:" + app.port() + "/admin", "--username", "ops",
        "--password", "s3cret-admin")) {
      // the engine refuses the foreign origin's handshake (403) when the Admin UI is off
      assertThat(admin.await(NodeScript.event("connect_error"), WAIT).get("message").asText())
          .isEqualTo("websocket error");
    }
  }
}
