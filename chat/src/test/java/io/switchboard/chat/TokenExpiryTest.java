package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth:expiring} and {@code auth:refresh}, with 4-second tokens and a 2-second warning. */
class TokenExpiryTest {
  @TempDir
  Path dataDir;

  private ChatApp app;
  private ChatClients clients;

  @BeforeEach
  void start() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir)
        .tokenLifetime(Duration.ofSeconds(4)).timing(ChatTiming.DEFAULT.withAuthWarning(Duration.ofSeconds(2)))
        .build());
    clients = ChatClients.start("http://127.0.0.1:" + app.port());
  }

  @AfterEach
  void stop() {
    clients.close();
    app.close();
  }

  @Test
  void aConnectionIsWarnedAndDisconnectedUnlessItRefreshesItsToken() throws Exception {
    String aliceToken = app.service().login("alice", "secret1").join();
    String bobToken = app.service().login("bob", "secret1").join();
    clients.connect("alice", aliceToken);
    clients.connect("bob", bobToken);
    clients.request("alice", "room:join", "general");

    JsonNode warning = clients.awaitEvent("alice", "auth:expiring");
    long expiresAt = app.service().tokens().verify(aliceToken).orElseThrow().expiresAt().toEpochMilli();
    assertThat(warning.path("expiresAt").asLong()).isEqualTo(expiresAt);
    assertThat(System.currentTimeMillis()).isLessThan(expiresAt);
    clients.awaitEvent("bob", "auth:expiring");

    // someone else's token does not extend alice's connection
    JsonNode wrong = clients.request("alice", "auth:refresh", Map.of("token", bobToken));
    assertThat(wrong.path("error").asText()).isEqualTo("Authentication failed");

    String fresh = refreshOverHttp(aliceToken);
    clients.setToken("alice", fresh);
    JsonNode ok = clients.request("alice", "auth:refresh", Map.of("token", fresh));
    assertThat(ok.path("ok").asBoolean()).isTrue();
    assertThat(ok.path("expiresAt").asLong()).isGreaterThan(expiresAt);

    // bob did not refresh: his connection ends when his token does
    long bobExpiresAt = app.service().tokens().verify(bobToken).orElseThrow().expiresAt().toEpochMilli();
    clients.awaitDisconnect("bob");
    assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(bobExpiresAt - 100);
    assertThat(bobExpiresAt).isGreaterThanOrEqualTo(expiresAt); // so alice's first token has expired by now too
    // alice is still there after her first token's expiry
    JsonNode sent = clients.request("alice", "room:message", Map.of("room", "general", "text", "still here"));
    assertThat(sent.path("ok").asBoolean()).isTrue();
  }

  private String refreshOverHttp(String token) throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + app.port() + "/api/refresh"))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).isEqualTo(200);
    return ChatJson.MAPPER.readTree(res.body()).path("token").asText();
  }
}
