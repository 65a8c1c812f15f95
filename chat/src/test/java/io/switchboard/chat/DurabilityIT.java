package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Acknowledged" means "on disk": the chat jar runs in a child process on the embedded database, two clients send a
 * steady stream of room messages, and the process is killed with {@code kill -9} at a random moment, five times, each
 * time restarted on the same data directory. Afterwards every message that was acknowledged is in the history with
 * its id and text, and no id was acknowledged twice (an id handed out again after a crash would be).
 */
class DurabilityIT {
  private static final int KILLS = 5;
  private static final String[] SENDERS = {"dur-a", "dur-b"};

  @TempDir
  Path data;

  @Test
  void noAcknowledgedMessageIsLostOrItsIdReusedAcrossKills() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Map<Long, String> acked = new HashMap<>();
    List<String> reused = new ArrayList<>();
    List<Integer> perRun = new ArrayList<>();
    for (int run = 0; run < KILLS; run++) {
      try (ServerProcess chat = start()) {
        String url = ChatJar.url(chat);
        try (ChatClients clients = ChatClients.start(url)) {
          for (String who : SENDERS) {
            clients.connectWebSocket(who, ChatJar.login(url, who));
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
    try (ServerProcess chat = start()) {
      String url = ChatJar.url(chat);
      history = ChatJar.history(url, ChatJar.login(url, SENDERS[0]), "general");
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

  private ServerProcess start() {
    return ChatJar.process(data, ChatJar.FAST_START).args("--flood-limit", "100000").start();
  }
}
