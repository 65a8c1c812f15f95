package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.EngineHttpClient;
import io.switchboard.testkit.WebSocketRecorder;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Opening a session, and the handshakes the server must refuse, over both transports. */
class HandshakeConformanceTest extends EngineConformanceTest {
  static void assertOpenPacket(String packet, List<String> expectedUpgrades) {
    assertThat(packet).startsWith("0");
    EngineHttpClient.Handshake open = EngineHttpClient.parseOpen(packet);
    List<String> keys = new ArrayList<>();
    open.json().fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
    JsonNode sid = open.json().get("sid");
    assertThat(sid.isTextual()).as("sid is a string").isTrue();
    assertThat(sid.asText()).isNotEmpty();
    assertThat(open.upgrades()).isEqualTo(expectedUpgrades);
    assertThat(open.json().get("pingInterval").isIntegralNumber()).isTrue();
    assertThat(open.pingInterval()).isEqualTo(300);
    assertThat(open.pingTimeout()).isEqualTo(200);
    assertThat(open.maxPayload()).isEqualTo(1_000_000);
  }

  @Nested
  class OverLongPolling {
    @Test
    void aGetOpensASessionAndAnswersTheOpenPacket() {
      HttpResponse<String> r = eio.get("transport=polling");
      assertThat(r.statusCode()).isEqualTo(200);
      assertOpenPacket(r.body(), List.of("websocket"));
    }

    @Test
    void aMissingOrNonNumericProtocolVersionIsRefused() {
      assertThat(eio.getRaw("transport=polling").statusCode()).isEqualTo(400);
      assertThat(eio.getRaw("EIO=abc&transport=polling").statusCode()).isEqualTo(400);
    }

    @Test
    void aMissingOrUnknownTransportIsRefused() {
      assertThat(eio.get("").statusCode()).isEqualTo(400);
      assertThat(eio.get("transport=abc").statusCode()).isEqualTo(400);
    }

    @Test
    void aHandshakeByAnyMethodButGetIsRefused() {
      assertThat(eio.method("POST", "transport=polling", "").statusCode()).isEqualTo(400);
      assertThat(eio.method("PUT", "transport=polling", "").statusCode()).isEqualTo(400);
    }
  }

  @Nested
  class OverWebSocket {
    @Test
    void anUpgradeOpensASessionWhoseFirstMessageIsTheOpenPacket() {
      try (WebSocketRecorder ws = eio.websocket("transport=websocket")) {
        assertOpenPacket(ws.awaitText(WAIT), List.of());
      }
    }

    @Test
    void aMissingOrNonNumericProtocolVersionIsRefused() {
      assertThat(eio.websocketUpgradeStatus("transport=websocket")).isEqualTo(400);
      assertThat(eio.websocketUpgradeStatus("EIO=abc&transport=websocket")).isEqualTo(400);
    }

    @Test
    void aMissingOrUnknownTransportIsRefused() {
      assertThat(eio.websocketUpgradeStatus("EIO=4")).isEqualTo(400);
      assertThat(eio.websocketUpgradeStatus("EIO=4&transport=abc")).isEqualTo(400);
    }
  }
}
