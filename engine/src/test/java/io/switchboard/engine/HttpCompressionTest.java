package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.switchboard.testkit.EngineHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * HTTP compression: polling responses gzipped above the threshold for clients that accept it, and files compressed
 * once ({@link StaticContent}) with the right Content-Encoding, Vary, Content-Length and ETag per form.
 */
class HttpCompressionTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String LARGE = "{\"user\":\"alice\",\"text\":\"hello, world\"} ".repeat(100);

  @Test
  void acceptEncoding() {
    assertThat(HttpCompression.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(HttpCompression.acceptsGzip("br;q=1.0, gzip;q=0.8")).isTrue();
    assertThat(HttpCompression.acceptsGzip("*")).isTrue();
    assertThat(HttpCompression.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(HttpCompression.acceptsGzip("*, gzip;q=0")).isFalse();
    assertThat(HttpCompression.acceptsGzip("identity")).isFalse();
    assertThat(HttpCompression.acceptsGzip(null)).isFalse();
  }

  private HttpResponse<byte[]> poll(PollingHttpServerFixture server, String sid, String acceptEncoding)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.eio().uri("EIO=4&transport=polling&sid=" + sid))
        .timeout(WAIT);
    if (acceptEncoding != null) {
      b.header("Accept-Encoding", acceptEncoding);
    }
    return server.eio().http().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void pollingResponsesAboveTheThresholdAreGzipped() throws Exception {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(EngineOptions.DEFAULT).noEcho()) {
      EngineHttpClient.Handshake h = server.eio().openPolling();
      EngineSocket socket = server.awaitSocket(h.sid(), WAIT);

      socket.send(LARGE);
      HttpResponse<byte[]> zipped = poll(server, h.sid(), "gzip, deflate");
      assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
      assertThat(zipped.headers().allValues("vary")).contains("accept-encoding");
      assertThat(zipped.headers().firstValueAsLong("content-length")).hasValue(zipped.body().length);
      assertThat(gunzip(zipped.body())).isEqualTo("4" + LARGE);
      assertThat(zipped.body().length).isLessThan(LARGE.length() / 5);

      socket.send("small");
      HttpResponse<byte[]> small = poll(server, h.sid(), "gzip");
      assertThat(small.headers().firstValue("content-encoding")).isEmpty();
      assertThat(new String(small.body(), StandardCharsets.UTF_8)).isEqualTo("4small");

      socket.send(LARGE);
      HttpResponse<byte[]> identity = poll(server, h.sid(), null);
      assertThat(identity.headers().firstValue("content-encoding")).isEmpty();
      assertThat(new String(identity.body(), StandardCharsets.UTF_8)).isEqualTo("4" + LARGE);
    }
  }

  @Test
  void pollingCompressionCanBeTurnedOff() throws Exception {
    try (PollingHttpServerFixture server = PollingHttpServerFixture.start(
        EngineOptions.builder().httpCompression(false).build()).noEcho()) {
      EngineHttpClient.Handshake h = server.eio().openPolling();
      server.awaitSocket(h.sid(), WAIT).send(LARGE);
      HttpResponse<byte[]> r = poll(server, h.sid(), "gzip");
      assertThat(r.headers().firstValue("content-encoding")).isEmpty();
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("4" + LARGE);
    }
  }

  private static HttpHeaders request(String... nameValues) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i + 1 < nameValues.length; i += 2) {
      h.add(nameValues[i], nameValues[i + 1]);
    }
    return h;
  }

  @Test
  void staticContentIsCompressedOnceWithAnEtagPerForm() throws Exception {
    byte[] body = LARGE.getBytes(StandardCharsets.UTF_8);
    StaticContent content = StaticContent.of(body, "application/javascript; charset=utf-8");
    assertThat(content.gzipped()).isNotNull();

    FullHttpResponse zipped = content.response(request("Accept-Encoding", "gzip"));
    byte[] zippedBytes = new byte[zipped.content().readableBytes()];
    zipped.content().readBytes(zippedBytes);
    assertThat(zipped.headers().get("Content-Encoding")).isEqualTo("gzip");
    assertThat(zipped.headers().get("Vary")).isEqualToIgnoringCase("accept-encoding");
    assertThat(zipped.headers().getInt("Content-Length")).isEqualTo(zippedBytes.length);
    assertThat(gunzip(zippedBytes)).isEqualTo(LARGE);
    String gzEtag = zipped.headers().get("ETag");
    zipped.release();

    FullHttpResponse plain = content.response(request());
    assertThat(plain.headers().get("Content-Encoding")).isNull();
    assertThat(plain.headers().get("Vary")).isEqualToIgnoringCase("accept-encoding");
    assertThat(plain.headers().getInt("Content-Length")).isEqualTo(body.length);
    String etag = plain.headers().get("ETag");
    assertThat(etag).isNotEqualTo(gzEtag);
    plain.release();

    assertThat(content.response(request("Accept-Encoding", "gzip", "If-None-Match", gzEtag)).status().code())
        .isEqualTo(304);
    assertThat(content.response(request("If-None-Match", etag)).status().code()).isEqualTo(304);
    assertThat(content.response(request("If-None-Match", gzEtag)).status().code()).isEqualTo(200);

    StaticContent image = StaticContent.of(new byte[4096], "image/png");
    assertThat(image.gzipped()).isNull();
    assertThat(image.response(request("Accept-Encoding", "gzip")).headers().get("Content-Encoding")).isNull();
  }

  private static String gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
