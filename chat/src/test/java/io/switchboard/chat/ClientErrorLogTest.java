package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.testkit.Await;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads when clients misbehave: one INFO line per refused request (a body over the limit, a body
 * that is not JSON, a wrong password, a connection closed in the middle of a request body), never a stack trace; and
 * what they read when the server starts.
 */
class ClientErrorLogTest {
  @TempDir
  Path dir;

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private ChatApp app;

  @BeforeEach
  void start() {
    log.start();
    root().addAppender(log);
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dir).build());
  }

  @AfterEach
  void stop() {
    app.close();
    root().detachAppender(log);
  }

  @Test
  void eachClientErrorIsOneLineWithoutAStackTrace() throws Exception {
    assertThat(lines("Switchboard chat started at http://127.0.0.1:" + app.port() + "/")).hasSize(1);
    assertThat(lines("Switchboard chat started")).singleElement().asString().contains("single node");

    assertThat(post("/api/login", "x".repeat(70_000))).isEqualTo(413);
    assertThat(post("/api/login", "{not json")).isEqualTo(400);
    assertThat(post("/api/login", "{\"username\":\"nobody-here\",\"password\":\"\"}")).isEqualTo(400);
    try (Socket s = new Socket("127.0.0.1", app.port())) { // half a body, then gone
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
          + "{\"user").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    await(() -> lines("client error").size() >= 4);
    assertThat(lines("client error 413")).singleElement().asString().contains("Request body too large");
    assertThat(lines("client error 400 POST /api/login from 127.0.0.1: Body must be JSON")).hasSize(1);
    assertThat(lines("client error 400 POST /api/login from 127.0.0.1: Password")).hasSize(1);
    List<ILoggingEvent> all = List.copyOf(log.list);
    assertThat(all).as("no stack traces").allMatch(e -> e.getThrowableProxy() == null);
    assertThat(all).as("single lines").noneMatch(e -> e.getFormattedMessage().contains("\n"));
    assertThat(lines("client error")).as("every line: %s", lines("client error")).hasSize(4);
  }

  @Test
  void aFloodOfClientErrorsIsNotAFloodOfLines() throws Exception {
    for (int i = 0; i < 60; i++) {
      assertThat(post("/api/login", "{not json")).isEqualTo(400);
    }
    assertThat(lines("client error")).hasSizeBetween(1, 20);
  }

  private int post(String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private List<String> lines(String containing) {
    return List.copyOf(log.list).stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(containing)).toList();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    Await.until(Duration.ofSeconds(20), condition);
  }
}
