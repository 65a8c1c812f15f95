package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testkit.RawWebSocket;
import io.switchboard.testkit.ServerProcess;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-authentication memory attack of the security review, against the chat jar in a child JVM with a small
 * heap: hundreds of WebSocket connections that each promise ten binary attachments, send nine frames of 999,000 bytes
 * and never send CONNECT. Every attacker must be closed or refused, the process must stay up with no
 * {@code OutOfMemoryError}, and a normal user must still sign in, connect and chat meanwhile and afterwards.
 */
class MemoryAttackIT {
  private static final int ATTACKERS = 500;
  private static final int FRAME = 999_000;
  private static final String PROMISE;

  static {
    StringBuilder s = new StringBuilder("4510-[\"x\"");
    for (int i = 0; i < 10; i++) {
      s.append(",{\"_placeholder\":true,\"num\":").append(i).append('}');
    }
    PROMISE = s.append(']').toString();
  }

  @TempDir
  Path data;

  @Test
  void hundredsOfAttachmentPromisesBeforeConnectLeaveTheChatServing() throws Exception {
    try (ServerProcess chat = ChatJar.process(data, List.of("-Xmx128m")).start()) {
      String url = ChatJar.url(chat);
      byte[] frame = new byte[FRAME];
      ExecutorService pool = Executors.newFixedThreadPool(100);
      List<RawWebSocket> held = new ArrayList<>();
      List<Future<String>> outcomes = new ArrayList<>();
      try {
        for (int i = 0; i < ATTACKERS; i++) {
          outcomes.add(pool.submit(() -> attack(chat.port(), frame, held)));
        }
        // a normal user during the attack
        chatsNormally(url, "during");
        int closedOrRefused = 0;
        for (Future<String> f : outcomes) {
          String outcome = f.get(60, TimeUnit.SECONDS);
          if (!outcome.equals("open")) {
            closedOrRefused++;
          }
        }
        assertThat(closedOrRefused).as("attackers closed or refused").isEqualTo(ATTACKERS);
        chatsNormally(url, "after");
        assertThat(chat.isAlive()).isTrue();
        assertThat(chat.printed("OutOfMemoryError")).as("output: %s", chat.output()).isFalse();
      } finally {
        pool.shutdownNow();
        synchronized (held) {
          held.forEach(RawWebSocket::close);
        }
      }
    }
  }

  /** One attacker: the outcome is "refused" (no upgrade), "closed" (the server ended it) or "open" (it held). */
  private static String attack(int port, byte[] frame, List<RawWebSocket> held) {
    RawWebSocket ws;
    try {
      ws = RawWebSocket.connect("127.0.0.1", port, "/socket.io/?EIO=4&transport=websocket", Duration.ofSeconds(20));
    } catch (AssertionError | UncheckedIOException e) {
      return "refused";
    }
    synchronized (held) {
      held.add(ws);
    }
    try {
      ws.readFrame(); // the Engine.IO open packet
      ws.sendText(PROMISE);
      for (int i = 0; i < 9; i++) {
        ws.sendFrame(true, RawWebSocket.BINARY, frame, true);
      }
      ws.awaitCloseCode(); // the server must end it: a close frame ...
      return "closed";
    } catch (AssertionError | UncheckedIOException e) {
      return "closed"; // ... or a reset while we were still writing
    }
  }

  /** Signs in over REST, connects the official client, joins a room and gets a message acknowledged. */
  private static void chatsNormally(String url, String who) throws Exception {
    String token = ChatJar.login(url, "user-" + who);
    try (ChatClients clients = ChatClients.start(url)) {
      clients.connect(who, token);
      clients.request(who, "room:join", "general");
      JsonNode ack = clients.request(who, "room:message", Map.of("room", "general", "text", "still here " + who));
      assertThat(ack.path("ok").asBoolean()).as("ack %s", ack).isTrue();
      clients.awaitEvent(who, "chat:message", p -> p.path("text").asText().equals("still here " + who));
    }
  }
}
