package io.switchboard.engine.ws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.NodeScript;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plain WebSocket endpoint with a client nobody here wrote: the npm {@code ws} package (pinned in
 * {@code interop/package.json}) echoes text, binary and fragmented messages, selects a subprotocol, answers the
 * server's pings, sees refusals as HTTP statuses, and closes with codes both ways.
 */
class WebSocketWsInteropTest {
  private static final Duration WAIT = WebSocketFixture.WAIT;

  private static WebSocketOptions.Builder options() {
    return WebSocketOptions.builder()
        .subprotocols(List.of("chat.v2", "chat.v1"))
        .authenticator(WebSocketAuthenticator.sync(req ->
            "let-me-in".equals(req.header("x-token")) ? Admission.accept(req.header("x-token"))
                : Admission.refuse(401, "token needed")));
  }

  @Test
  void echoesAndClosesWithTheNpmWsClient() {
    WebSocketOptions o = options().pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofSeconds(3)).build();
    try (WebSocketFixture f = WebSocketFixture.start(o);
        NodeScript ws = NodeScript.start("ws-client.mjs", "--url", f.url(), "--header", "x-token:let-me-in",
            "--protocol", "chat.v1", "--protocol", "chat.v2")) {
      JsonNode open = ws.await(NodeScript.event("open"), WAIT);
      assertThat(open.get("protocol").asText()).isEqualTo("chat.v1"); // the client's first that the server speaks
      WebSocketConnection c = f.awaitOpen();
      assertThat(c.subprotocol()).isEqualTo("chat.v1");
      assertThat((String) c.attachment()).isEqualTo("let-me-in");

      ws.send(NodeScript.command().put("op", "send").put("text", "héllo wörld"));
      assertThat(ws.await(NodeScript.event("message"), WAIT).get("data").asText()).isEqualTo("héllo wörld");
      String binary = Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255});
      ws.send(NodeScript.command().put("op", "send").put("binary", binary));
      JsonNode echoed = ws.await(NodeScript.event("message"), WAIT);
      assertThat(echoed.get("type").asText()).isEqualTo("binary");
      assertThat(echoed.get("data").asText()).isEqualTo(binary);
      String big = "€".repeat(20_000);
      ws.send(NodeScript.command().put("op", "send").put("text", big).put("fragments", 7));
      assertThat(ws.await(NodeScript.event("message"), WAIT).get("data").asText()).isEqualTo(big);

      // the server pings a quiet client; ws answers by itself (the answer resets the silence, so a second ping
      // comes one interval later), and the connection stays open
      ws.await(NodeScript.event("ping"), WAIT);
      ws.await(NodeScript.event("ping"), WAIT);
      assertThat(c.isOpen()).isTrue();
      assertThat(f.endpoint.stats().pingTimeouts()).isZero();

      c.close(4321, "server says bye");
      JsonNode closed = ws.await(NodeScript.event("close"), WAIT);
      assertThat(closed.get("code").asInt()).isEqualTo(4321);
      assertThat(closed.get("reason").asText()).isEqualTo("server says bye");
      WebSocketFixture.Closed onClose = f.awaitClose();
      assertThat(onClose.code()).isEqualTo(4321);
    }
  }

  @Test
  void aClientCloseCodeReachesTheHandlerAndARefusalIsAnHttpStatus() {
    try (WebSocketFixture f = WebSocketFixture.start(options().build())) {
      try (NodeScript ws = NodeScript.start("ws-client.mjs", "--url", f.url(), "--header", "x-token:let-me-in")) {
        ws.await(NodeScript.event("open"), WAIT);
        ws.send(NodeScript.command().put("op", "close").put("code", 4002).put("reason", "client leaves"));
        JsonNode closed = ws.await(NodeScript.event("close"), WAIT);
        assertThat(closed.get("code").asInt()).isEqualTo(4002); // the server echoed the code
        WebSocketFixture.Closed onClose = f.awaitClose();
        assertThat(onClose.code()).isEqualTo(4002);
        assertThat(onClose.reason()).isEqualTo("client leaves");
      }
      try (NodeScript ws = NodeScript.start("ws-client.mjs", "--url", f.url())) {
        JsonNode refused = ws.await(NodeScript.event("unexpected-response"), WAIT);
        assertThat(refused.get("status").asInt()).isEqualTo(401);
        assertThat(refused.get("body").asText()).isEqualTo("token needed");
      }
      assertThat(f.opened).hasSize(1);
    }
  }
}
