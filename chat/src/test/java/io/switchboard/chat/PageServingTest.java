package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the page and its scripts are served: gzip for clients that accept it (the page, its script and style, the
 * minified Socket.IO client bundle), the same bytes unchanged for others, a favicon, and no compression where it would
 * hurt (event streams, Engine.IO polling, small bodies).
 */
class PageServingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;

  private ChatApp app;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @BeforeEach
  void start() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).build());
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void thePageAndItsScriptsAreGzippedForClientsThatAcceptIt() throws Exception {
    long plain = 0;
    long gzipped = 0;
    for (String[] file : new String[][] {
        {"/", "web/index.html", "text/html"},
        {"/app.js", "web/app.js", "text/javascript"},
        {"/style.css", "web/style.css", "text/css"},
        {"/socket.io/socket.io.min.js", "io/switchboard/server/client/socket.io.min.js", "application/javascript"}}) {
      byte[] original = resource(file[1]);
      HttpResponse<byte[]> zipped = get(file[0], "gzip, deflate, br");
      assertThat(zipped.statusCode()).as(file[0]).isEqualTo(200);
      assertThat(zipped.headers().firstValue("content-type")).as(file[0]).hasValueSatisfying(
          v -> assertThat(v).startsWith(file[2]));
      assertThat(zipped.headers().firstValue("content-encoding")).as(file[0]).hasValue("gzip");
      assertThat(zipped.headers().allValues("vary")).as(file[0]).contains("accept-encoding");
      assertThat(gunzip(zipped.body())).as(file[0]).isEqualTo(original);
      assertThat(zipped.body().length).as(file[0]).isLessThan(original.length / 2);

      HttpResponse<byte[]> identity = get(file[0], null);
      assertThat(identity.headers().firstValue("content-encoding")).as(file[0]).isEmpty();
      assertThat(identity.body()).as(file[0]).isEqualTo(original);
      plain += original.length;
      gzipped += zipped.body().length;
      System.out.printf("%-30s %7d bytes, gzip %6d%n", file[0], original.length, zipped.body().length);
    }
    byte[] unminified = resource("io/switchboard/server/client/socket.io.js");
    System.out.printf("page total %d bytes, gzip %d (the unminified bundle alone: %d)%n", plain, gzipped,
        unminified.length);
    assertThat(gzipped).isLessThan(unminified.length / 4);
  }

  @Test
  void thePageLoadsTheMinifiedClientAndHasAFavicon() throws Exception {
    String page = new String(get("/", null).body(), StandardCharsets.UTF_8);
    assertThat(page).contains("<script src=\"/socket.io/socket.io.min.js\"></script>")
        .doesNotContain("socket.io/socket.io.js").contains("href=\"/favicon.ico\"");
    HttpResponse<byte[]> icon = get("/favicon.ico", "gzip");
    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(icon.headers().firstValue("content-type")).hasValue("image/x-icon");
    assertThat(icon.headers().firstValue("content-encoding")).isEmpty();
    assertThat(icon.body()).startsWith(0, 0, 1, 0).isEqualTo(resource("web/favicon.ico"));
  }

  @Test
  void eventStreamsPollingAndSmallBodiesAreNotCompressed() throws Exception {
    HttpResponse<byte[]> health = get("/healthz", "gzip");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("content-encoding")).isEmpty();

    HttpResponse<byte[]> handshake = get("/socket.io/?EIO=4&transport=polling", "gzip");
    assertThat(handshake.statusCode()).isEqualTo(200);
    assertThat(handshake.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new String(handshake.body(), StandardCharsets.UTF_8)).startsWith("0{\"sid\":");

    String token = app.service().tokens().issue("alice");
    HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/events?token=" + token))
        .header("Accept-Encoding", "gzip").timeout(WAIT).build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = stream.body()) {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(stream.headers().firstValue("content-encoding")).isEmpty();
    }
  }

  private HttpResponse<byte[]> get(String path, String acceptEncoding) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(WAIT);
    if (acceptEncoding != null) {
      b.header("Accept-Encoding", acceptEncoding);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PageServingTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static byte[] gunzip(byte[] body) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    }
  }
}
