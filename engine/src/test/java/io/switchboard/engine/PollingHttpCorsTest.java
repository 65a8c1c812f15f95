package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.switchboard.testkit.EngineHttpClient;
import java.net.http.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** CORS on the long-polling endpoint, raw over HTTP: an origin allowlist with credentials, preflight, and {@code *}. */
class PollingHttpCorsTest {
  private static final String APP = "https://app.example";
  private static final String EVIL = "https://evil.example";

  private static PollingHttpServerFixture allowlist() {
    return PollingHttpServerFixture.start(EngineOptions.builder()
        .cors(CorsConfigBuilder.forOrigins(APP, "https://admin.example").allowCredentials().build())
        .build());
  }

  private static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnswered() {
    try (PollingHttpServerFixture server = allowlist()) {
      HttpResponse<String> r = server.eio().method("OPTIONS", "transport=polling", null,
          "Origin", APP, "Access-Control-Request-Method", "POST",
          "Access-Control-Request-Headers", "content-type");
      assertThat(r.statusCode()).isBetween(200, 204);
      assertThat(header(r, "access-control-allow-origin")).isEqualTo(APP);
      assertThat(header(r, "access-control-allow-credentials")).isEqualTo("true");
      assertThat(header(r, "access-control-allow-methods")).isNotNull();
      assertThat(header(r, "access-control-allow-methods").toUpperCase(Locale.ROOT)).contains("POST");
      assertThat(header(r, "access-control-allow-headers")).isNotNull();
      assertThat(header(r, "access-control-allow-headers").toLowerCase(Locale.ROOT)).contains("content-type");
      assertThat(server.engine().clientsCount()).as("a preflight opens no session").isZero();
    }
  }

  @Test
  void aPreflightFromAnotherOriginGetsNoCorsHeaders() {
    try (PollingHttpServerFixture server = allowlist()) {
      HttpResponse<String> r = server.eio().method("OPTIONS", "transport=polling", null,
          "Origin", EVIL, "Access-Control-Request-Method", "POST");
      assertThat(header(r, "access-control-allow-origin")).isNull();
      assertThat(header(r, "access-control-allow-credentials")).isNull();
    }
  }

  @Test
  void pollingResponsesToAnAllowedOriginCarryItsHeaders() {
    try (PollingHttpServerFixture server = allowlist()) {
      EngineHttpClient eio = server.eio();
      HttpResponse<String> open = eio.get("transport=polling", "Origin", APP);
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(header(open, "access-control-allow-origin")).isEqualTo(APP);
      assertThat(header(open, "access-control-allow-credentials")).isEqualTo("true");
      String sid = EngineHttpClient.parseOpen(open.body()).sid();

      HttpResponse<String> post = eio.post("transport=polling&sid=" + sid, "4hi", "Origin", APP);
      assertThat(post.body()).isEqualTo("ok");
      assertThat(header(post, "access-control-allow-origin")).isEqualTo(APP);

      HttpResponse<String> poll = eio.get("transport=polling&sid=" + sid, "Origin", APP);
      assertThat(poll.body()).isEqualTo("4hi");
      assertThat(header(poll, "access-control-allow-origin")).isEqualTo(APP);

      HttpResponse<String> error = eio.get("transport=polling&sid=unknown", "Origin", APP);
      assertThat(error.statusCode()).isEqualTo(400);
      assertThat(header(error, "access-control-allow-origin")).as("errors are readable by the page too")
          .isEqualTo(APP);
    }
  }

  @Test
  void pollingResponsesToAnotherOriginCarryNoCorsHeaders() {
    try (PollingHttpServerFixture server = allowlist()) {
      HttpResponse<String> open = server.eio().get("transport=polling", "Origin", EVIL);
      assertThat(header(open, "access-control-allow-origin")).isNull();
    }
  }

  @Test
  void anyOriginAnswersWithAStar() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(EngineOptions.builder()
        .cors(CorsConfigBuilder.forAnyOrigin().build())
        .build())) {
      HttpResponse<String> open = server.eio().get("transport=polling", "Origin", EVIL);
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(header(open, "access-control-allow-origin")).isEqualTo("*");
      HttpResponse<String> preflight = server.eio().method("OPTIONS", "transport=polling", null,
          "Origin", EVIL, "Access-Control-Request-Method", "GET");
      assertThat(preflight.statusCode()).isBetween(200, 204);
      assertThat(header(preflight, "access-control-allow-origin")).isEqualTo("*");
    }
  }

  @Test
  void withoutAPolicyThereAreNoCorsHeaders() {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(EngineOptions.DEFAULT)) {
      HttpResponse<String> open = server.eio().get("transport=polling", "Origin", APP);
      assertThat(open.statusCode()).isEqualTo(200);
      assertThat(header(open, "access-control-allow-origin")).isNull();
    }
  }
}
