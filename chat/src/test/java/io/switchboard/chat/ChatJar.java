package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The chat jar in a child JVM, for the tests that kill, restart or starve a real process ({@code *IT}): how it
 * starts, where it answers, and the REST calls those tests make of it.
 *
 * <pre>{@code
 * try (ServerProcess chat = ChatJar.process(data, ChatJar.FAST_START).args("--flood-limit", "100000").start()) {
 *   String url = ChatJar.url(chat);
 *   String token = ChatJar.login(url, "alice");                  // registers alice on first use
 *   Map<Long, String> texts = ChatJar.history(url, token, "general");
 * }
 * }</pre>
 */
final class ChatJar {
  /** The line the chat prints once it listens; its group is the port. */
  static final Pattern BANNER = Pattern.compile("running at http://[^:]+:(\\d+)/");

  /** JVM options that make the chat start fast on a busy machine: a 256 MB heap, C1 only, the serial collector. */
  static final List<String> FAST_START = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private ChatJar() {}

  /** The shaded jar the build made (failsafe passes {@code switchboard.chat.jar}). */
  static Path path() {
    return Path.of(System.getProperty("switchboard.chat.jar", "target/switchboard-chat.jar"));
  }

  /**
   * The jar in a JVM with {@code jvmArgs}, listening on 127.0.0.1 at an ephemeral port with its embedded database in
   * {@code data}; more arguments can be added before {@code start()}.
   */
  static ServerProcess.Builder process(Path data, List<String> jvmArgs) {
    return ServerProcess.builder(path())
        .jvmArgs(jvmArgs.toArray(String[]::new))
        .args("--port", "0", "--host", "127.0.0.1", "--data-dir", data.toString())
        .banner(BANNER);
  }

  /** The chat's base URL, with the trailing slash. */
  static String url(ServerProcess chat) {
    return "http://127.0.0.1:" + chat.port() + "/";
  }

  /** Signs {@code who} in over {@code POST /api/login} with the password {@code secret-<who>}; the token. */
  static String login(String url, String who) throws Exception {
    HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "api/login"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + who + "\",\"password\":\"secret-" + who
                + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as("login: %s", res.body()).isEqualTo(200);
    return ChatJson.MAPPER.readTree(res.body()).path("token").asText();
  }

  /** Every message of {@code room}, text by id, paging back from the newest; an id twice fails. */
  static Map<Long, String> history(String url, String token, String room) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Map<Long, String> all = new HashMap<>();
    String before = "";
    while (true) {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url + "api/rooms/" + room
                  + "/messages?limit=100" + before))
              .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as("history: %s", res.body()).isEqualTo(200);
      JsonNode page = ChatJson.MAPPER.readTree(res.body()).path("messages");
      if (page.isEmpty()) {
        return all;
      }
      for (JsonNode m : page) {
        assertThat(all.put(m.path("id").asLong(), m.path("text").asText())).as("id %s twice in the history",
            m.path("id")).isNull();
      }
      before = "&before=" + page.get(0).path("id").asLong();
    }
  }
}
