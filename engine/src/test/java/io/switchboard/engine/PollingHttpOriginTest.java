package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineOptions#allowedOrigins()} and {@link EngineOptions#allowMissingOrigin()} on a real server: another
 * origin gets 403 {@code {"code":4,"message":"Forbidden"}} on every polling request and before any WebSocket upgrade,
 * and CORS headers go to allowed origins only.
 */
class PollingHttpOriginTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String APP = "https://chat.example";
  private static final String EVIL = "http://evil.example";

  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(EngineOptions options) {
    server = PollingHttpServerFixture.start(options);
    eio = server.eio();
  }

  private static EngineOptions.Builder onlyApp() {
    return EngineOptions.builder().allowedOrigins(Set.of(APP));
  }

  private static void assertForbidden(HttpResponse<String> res) {
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.body()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
  }

  @Test
  void aHandshakeFromAnotherOriginGets403AndOpensNoSession() {
    start(onlyApp().build());
    assertForbidden(eio.get("transport=polling", "Origin", EVIL, "Cookie", "session=1"));
    assertThat(server.engine().clientsCount()).isZero();
    assertThat(server.engine().stats().count(Refusal.ORIGIN)).isEqualTo(1);
  }

  @Test
  void anAllowedOriginWorksOverPollingAndWebSocket() {
    start(onlyApp().build());
    String sid = EngineHttpClient.parseOpen(eio.get("transport=polling", "Origin", APP).body()).sid();
    assertThat(eio.post("transport=polling&sid=" + sid, "4hello", "Origin", APP).body()).isEqualTo("ok");
    assertThat(eio.get("transport=polling&sid=" + sid, "Origin", APP).body()).isEqualTo("4hello");
    try (WebSocketRecorder ws = eio.websocket("transport=websocket", "Origin", APP)) {
      EngineHttpClient.parseOpen(ws.awaitText(WAIT));
      ws.sendText("4over websocket");
      assertThat(ws.awaitText(WAIT)).isEqualTo("4over websocket");
    }
  }

  @Test
  void aRequestOfAnOpenSessionFromAnotherOriginGets403() {
    start(onlyApp().build());
    String sid = EngineHttpClient.parseOpen(eio.get("transport=polling", "Origin", APP).body()).sid();
    assertForbidden(eio.post("transport=polling&sid=" + sid, "4forged", "Origin", EVIL));
    assertForbidden(eio.get("transport=polling&sid=" + sid, "Origin", EVIL));
    assertThat(eio.post("transport=polling&sid=" + sid, "4mine", "Origin", APP).body()).isEqualTo("ok");
    assertThat(server.awaitMessage(sid, WAIT)).isEqualTo("mine");
  }

  @Test
  void aWebSocketUpgradeFromAnotherOriginGets403BeforeTheUpgrade() {
    start(onlyApp().build());
    assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket", "Origin", EVIL)).isEqualTo(403);
    String sid = EngineHttpClient.parseOpen(eio.get("transport=polling", "Origin", APP).body()).sid();
    assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket&sid=" + sid, "Origin", EVIL)).isEqualTo(403);
    assertThat(server.engine().socket(sid).transport()).isEqualTo(Transport.POLLING);
    assertThat(server.engine().clientsCount()).isEqualTo(1);
  }

  @Test
  void noOriginIsAllowedByDefault() {
    start(onlyApp().build());
    String sid = eio.openPolling().sid();
    assertThat(eio.push(sid, "4no browser").body()).isEqualTo("ok");
    try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
      assertThat(ws.awaitText(WAIT)).startsWith("0{");
    }
  }

  @Test
  void noOriginIsRefusedWhenAnOriginIsRequired() {
    start(EngineOptions.builder().allowMissingOrigin(false).build());
    assertForbidden(eio.get("transport=polling"));
    assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket")).isEqualTo(403);
    // any origin is fine then, since none is listed
    assertThat(eio.get("transport=polling", "Origin", EVIL).statusCode()).isEqualTo(200);
  }

  @Test
  void anOriginWithAControlCharacterIsABadRequest() throws IOException {
    start(onlyApp().build());
    try (Socket raw = new Socket("127.0.0.1", server.port())) {
      raw.setSoTimeout((int) WAIT.toMillis());
      raw.getOutputStream().write(("GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Origin: " + APP + "\u0001\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String status = new BufferedReader(new InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).startsWith("HTTP/1.1 400");
    }
    assertThat(server.engine().clientsCount()).isZero();
  }

  @Test
  void corsHeadersGoToAllowedOriginsOnly() {
    start(onlyApp().cors(CorsConfigBuilder.forAnyOrigin().allowCredentials().build()).build());
    HttpResponse<String> ok = eio.get("transport=polling", "Origin", APP);
    assertThat(ok.headers().firstValue("access-control-allow-origin")).contains(APP);
    HttpResponse<String> refused = eio.get("transport=polling", "Origin", EVIL);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> preflight = eio.method("OPTIONS", "transport=polling", null,
        "Origin", EVIL, "Access-Control-Request-Method", "POST");
    assertThat(preflight.statusCode()).isEqualTo(403);
    assertThat(preflight.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> allowedPreflight = eio.method("OPTIONS", "transport=polling", null,
        "Origin", APP, "Access-Control-Request-Method", "POST");
    assertThat(allowedPreflight.statusCode()).isEqualTo(204);
    assertThat(allowedPreflight.headers().firstValue("access-control-allow-origin")).contains(APP);
  }
}
