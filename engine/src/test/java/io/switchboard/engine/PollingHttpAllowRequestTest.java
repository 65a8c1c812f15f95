package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code allowRequest} hook, raw over HTTP and WebSocket: it can refuse a handshake on either transport and the
 * upgrade of an existing session (403, code 4), since CORS does not protect WebSocket upgrades.
 */
class PollingHttpAllowRequestTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String APP = "https://app.example";
  private static final String EVIL = "https://evil.example";

  private final List<EngineRequest> asked = new CopyOnWriteArrayList<>();
  private PollingHttpServerFixture server;
  private EngineHttpClient eio;

  @BeforeEach
  void start() {
    server = PollingHttpServerFixture.start(EngineOptions.builder()
        .allowRequest(req -> {
          asked.add(req);
          return APP.equals(req.header("Origin"));
        })
        .build());
    eio = server.eio();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static void assertForbidden(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"code\":4,\"message\":\"Forbidden\"}");
  }

  @Test
  void aRefusedPollingHandshakeGets403AndOpensNoSession() {
    assertForbidden(eio.get("transport=polling", "Origin", EVIL));
    assertForbidden(eio.get("transport=polling"));
    assertThat(server.engine().clientsCount()).isZero();

    EngineHttpClient.Handshake ok = EngineHttpClient.parseOpen(
        eio.get("transport=polling", "Origin", APP).body());
    assertThat(server.engine().socket(ok.sid())).isNotNull();
    EngineRequest seen = asked.get(asked.size() - 1);
    assertThat(seen.method()).isEqualTo("GET");
    assertThat(seen.queryParam("transport")).isEqualTo("polling");
    assertThat(seen.isWebSocketUpgrade()).isFalse();
  }

  @Test
  void aRefusedWebSocketHandshakeGets403() {
    assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket", "Origin", EVIL)).isEqualTo(403);
    assertThat(server.engine().clientsCount()).isZero();
    EngineRequest seen = asked.get(asked.size() - 1);
    assertThat(seen.isWebSocketUpgrade()).isTrue();

    try (WebSocketRecorder ws = eio.websocket("transport=websocket", "Origin", APP)) {
      EngineHttpClient.parseOpen(ws.awaitText(WAIT));
    }
  }

  @Test
  void aRefusedUpgradeGets403AndTheSessionGoesOnPolling() {
    HttpResponse<String> open = eio.get("transport=polling", "Origin", APP);
    String sid = EngineHttpClient.parseOpen(open.body()).sid();

    assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket&sid=" + sid, "Origin", EVIL))
        .isEqualTo(403);
    EngineRequest seen = asked.get(asked.size() - 1);
    assertThat(seen.isWebSocketUpgrade()).isTrue();
    assertThat(seen.queryParam("sid")).isEqualTo(sid);

    assertThat(eio.post("transport=polling&sid=" + sid, "4still polling", "Origin", APP).body()).isEqualTo("ok");
    assertThat(eio.get("transport=polling&sid=" + sid, "Origin", APP).body()).isEqualTo("4still polling");
    assertThat(server.engine().socket(sid).transport()).isEqualTo(Transport.POLLING);

    try (WebSocketRecorder ws = eio.websocket("transport=websocket&sid=" + sid, "Origin", APP)) {
      ws.sendText("2probe");
      assertThat(ws.awaitText(WAIT)).isEqualTo("3probe");
      ws.sendText("5");
      assertThat(server.awaitUpgrade(sid, WAIT)).isEqualTo(Transport.WEBSOCKET);
    }
  }
}
