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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Acknowledged" means "on disk": the chat jar runs in a child process on the embedded database, two clients send a
 * steady stream of room messages, and the process is killed with {@code kill -9} at a random moment, five times, each
 * time restarted on the same data directory. Afterwards every message that was acknowledged is in the history with
 * its id and text, and no id was acknowledged twice (an id handed out again after a crash would be).
 */
class DurabilityIT {
  private static final Pattern BANNER = Pattern.compile("running at http://[^:]+:(\\d+)/");
  private static final int KILLS = 5;
  private static final String[] SENDERS = {"dur-a", "dur-b"};

  @TempDir
  Path data;

  @Test
  void noAcknowledgedMessageIsLostOrItsIdReusedAcrossKills() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path jar = Path.of(System.getProperty("switchboard.chat.jar", "target/switchboard-chat.jar"));
    Map<Long, String> acked = new HashMap<>();
    List<String> reused = new ArrayList<>();
    List<Integer> perRun = new ArrayList<>();
    for (int run = 0; run < KILLS; run++) {
      try (ServerProcess chat = start(jar)) {
        String url = "http://127.0.0.1:" + chat.port() + "/";
        try (ChatClients clients = ChatClients.start(url)) {
          for (String who : SENDERS) {
            clients.connectWebSocket(who, login(url, who));
            assertThat(clients.request(who, "room:join", "general").path("ok").asBoolean()).isTrue();
          }
          AtomicBoolean sending = new AtomicBoolean(true);
          int r = run;
          Thread sender = new Thread(() -> {
            int n = 0;
            while (sending.get()) {
              String who = SENDERS[n % SENDERS.length];
              clients.emit(who, "room:message", false, Map.of("room", "general", "text", "run " + r + " #" + n));
              n++;
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            }
          }, "durability-sender");
          sender.start();
          // the moment of the kill: somewhere in the stream, after the first acknowledgement
          clients.awaitEvent(SENDERS[0], "chat:message");
          Thread.sleep(200 + random.nextInt(1800));
          chat.kill();
          sending.set(false);
          sender.join();
          for (String who : SENDERS) {
            clients.awaitDisconnect(who); // every acknowledgement that reached the client was reported before this
          }
          int before = acked.size();
          for (String who : SENDERS) {
            for (JsonNode ack : clients.acks(who)) {
              JsonNode m = ack.path("message");
              if (!ack.path("ok").asBoolean() || !m.path("id").canConvertToLong()) {
                continue;
              }
              String previous = acked.put(m.get("id").asLong(), m.path("text").asText());
              if (previous != null) {
                reused.add(m.get("id").asLong() + ": '" + previous + "' then '" + m.path("text").asText() + "'");
              }
            }
          }
          perRun.add(acked.size() - before);
        }
      }
    }
    Map<Long, String> history;
    try (ServerProcess chat = start(jar)) {
      history = history("http://127.0.0.1:" + chat.port() + "/", login("http://127.0.0.1:" + chat.port() + "/",
          SENDERS[0]));
    }
    List<String> missing = new ArrayList<>();
    acked.forEach((id, text) -> {
      if (!text.equals(history.get(id))) {
        missing.add(id + " '" + text + "' (history: " + history.get(id) + ")");
      }
    });
    String about = "seed " + seed + ", acknowledged per run " + perRun;
    System.out.println("DurabilityIT: " + acked.size() + " acknowledged in " + KILLS + " runs killed with kill -9 ("
        + about + "), " + history.size() + " in the history, " + missing.size() + " missing, " + reused.size()
        + " ids reused");
    assertThat(perRun).as(about).allMatch(n -> n > 0);
    assertThat(reused).as("ids acknowledged twice; " + about).isEmpty();
    assertThat(missing).as("acknowledged but not in the history; " + about).isEmpty();
  }

  private ServerProcess start(Path jar) {
    return ServerProcess.builder(jar)
        .jvmArgs("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC") // starts faster
        .args("--port", "0", "--host", "127.0.0.1", "--data-dir", data.toString(), "--flood-limit", "100000")
        .banner(BANNER)
        .start();
  }

  private static String login(String url, String who) throws Exception {
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

  /** Every message of #general by id, paging back from the newest. */
  private static Map<Long, String> history(String url, String token) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Map<Long, String> all = new HashMap<>();
    String before = "";
    while (true) {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(url + "api/rooms/general/messages?limit=100"
              + before))
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
