package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.Await;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The upgrade from long-polling to WebSocket, raw over HTTP and WebSocket, beyond the official suite: a probe that
 * never completes, messages the server sends while the client probes, and the transport options.
 */
class PollingHttpUpgradeTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private static EngineOptions.Builder quietHeartbeat() {
    return EngineOptions.builder().pingInterval(Duration.ofSeconds(30)).pingTimeout(Duration.ofSeconds(30));
  }

  @Test
  void aProbeThatNeverCompletesIsAbandonedAndPollingGoesOn() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(quietHeartbeat()
        .upgradeTimeout(Duration.ofMillis(500)).build())) {
      EngineHttpClient eio = server.eio();
      String sid = eio.openPolling().sid();
      try (WebSocketRecorder ws = eio.websocket("transport=websocket&sid=" + sid)) {
        ws.sendText("2probe");
        assertThat(ws.awaitText(WAIT)).isEqualTo("3probe");
        // no "5": after upgradeTimeout the server gives up on this WebSocket
        ws.awaitEnd(WAIT);
      }
      assertThat(server.engine().socket(sid).transport()).isEqualTo(Transport.POLLING);
      assertThat(server.engine().socket(sid).isOpen()).isTrue();
      assertThat(eio.push(sid, "4after the failed upgrade").body()).isEqualTo("ok");
      HttpResponse<String> poll = eio.poll(sid);
      assertThat(EngineHttpClient.packets(poll.body())).contains("4after the failed upgrade");
    }
  }

  @Test
  void messagesTheServerSendsDuringTheProbeArriveOnceAndInOrder() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(quietHeartbeat().build())) {
      EngineHttpClient eio = server.eio();
      String sid = eio.openPolling().sid();
      EngineSocket socket = server.awaitSocket(sid, WAIT);
      List<String> received = new ArrayList<>();
      try (WebSocketRecorder ws = eio.websocket("transport=websocket&sid=" + sid)) {
        socket.send("before probe");
        ws.sendText("2probe");
        assertThat(ws.awaitText(WAIT)).isEqualTo("3probe");
        socket.send("during probe");
        // the client drains polling (the server ends the held GET with a noop once it has nothing else)
        HttpResponse<String> poll;
        do {
          poll = eio.poll(sid);
          assertThat(poll.statusCode()).isEqualTo(200);
          for (String p : EngineHttpClient.packets(poll.body())) {
            if (p.startsWith("4")) {
              received.add(p.substring(1));
            }
          }
        } while (!EngineHttpClient.packets(poll.body()).contains("6"));
        ws.sendText("5");
        assertThat(server.awaitUpgrade(sid, WAIT)).isEqualTo(Transport.WEBSOCKET);
        socket.send("after upgrade");
        while (!received.contains("after upgrade")) {
          String p = ws.awaitText(WAIT);
          if (p.startsWith("4")) {
            received.add(p.substring(1));
          }
        }
      }
      assertThat(received).containsExactly("before probe", "during probe", "after upgrade");
    }
  }

  @Test
  void withUpgradesOffTheHandshakeOffersNoneAndAnUpgradeIsRefused() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(quietHeartbeat()
        .allowUpgrades(false).build())) {
      EngineHttpClient eio = server.eio();
      EngineHttpClient.Handshake open = eio.openPolling();
      assertThat(open.upgrades()).isEmpty();
      assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket&sid=" + open.sid())).isEqualTo(400);
      assertThat(eio.push(open.sid(), "4still polling").body()).isEqualTo("ok");
    }
  }

  @Test
  void withOnlyWebSocketPollingIsAnUnknownTransport() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(quietHeartbeat()
        .transports(EnumSet.of(Transport.WEBSOCKET)).build())) {
      EngineHttpClient eio = server.eio();
      HttpResponse<String> r = eio.get("transport=polling");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(EngineHttpClient.json(r.body()).get("code").asInt()).isEqualTo(ErrorCode.UNKNOWN_TRANSPORT.code());
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        assertThat(EngineHttpClient.parseOpen(ws.awaitText(WAIT)).upgrades()).isEmpty();
      }
    }
  }

  @Test
  void withOnlyPollingTheHandshakeOffersNoUpgradeAndWebSocketIsRefused() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(quietHeartbeat()
        .transports(EnumSet.of(Transport.POLLING)).build())) {
      EngineHttpClient eio = server.eio();
      EngineHttpClient.Handshake open = eio.openPolling();
      assertThat(open.upgrades()).isEmpty();
      assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket")).isEqualTo(400);
      assertThat(eio.websocketUpgradeStatus("EIO=4&transport=websocket&sid=" + open.sid())).isEqualTo(400);
    }
  }

  @Test
  void aPollThatArrivesDuringTheProbeIsReleasedWithANoop() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(quietHeartbeat().build())) {
      EngineHttpClient eio = server.eio();
      String sid = eio.openPolling().sid();
      EngineSocket socket = server.awaitSocket(sid, WAIT);
      CompletableFuture<HttpResponse<String>> held = eio.pollAsync(sid);
      Await.until("GET held by the server", WAIT, socket::isWritable);
      try (WebSocketRecorder ws = eio.websocket("transport=websocket&sid=" + sid)) {
        ws.sendText("2probe");
        assertThat(ws.awaitText(WAIT)).isEqualTo("3probe");
        assertThat(eio.join(held).body()).isEqualTo("6");
        ws.sendText("5");
        assertThat(server.awaitUpgrade(sid, WAIT)).isEqualTo(Transport.WEBSOCKET);
      }
    }
  }
}
