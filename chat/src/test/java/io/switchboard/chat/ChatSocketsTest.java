package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every row of the chat's Socket.IO event table, driven by the official npm {@code socket.io-client} against a real
 * chat server (ephemeral port, embedded database): two and three users, several tabs, reconnects.
 */
class ChatSocketsTest extends ChatSocketsSupport {
  private static final ChatTiming TIMING = ChatTiming.DEFAULT
      .withPrivateAckTimeout(Duration.ofMillis(1500))
      .withTyping(Duration.ofSeconds(2), Duration.ofMillis(1500))
      .withPresence(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ZERO);

  @BeforeAll
  static void startServer() {
    startServer(TIMING);
  }

  /** Signs the user in through the service (registering it on first use). */
  @Override
  String token(String user) {
    return app.service().login(user, "secret1").join();
  }

  private String room() {
    return "room-" + alice;
  }

  // --- authentication ---

  @Test
  void aValidTokenConnectsAndBadOnesGetAuthenticationFailed() {
    clients.connect("ok", token(alice));

    clients.open("missing", null);
    assertThat(clients.awaitConnectError("missing")).isEqualTo("Authentication failed");

    TokenService other = new TokenService("some-other-secret-some-other-secret", Duration.ofHours(1),
        Clock.systemUTC());
    clients.open("forged", other.issue(alice));
    assertThat(clients.awaitConnectError("forged")).isEqualTo("Authentication failed");

    String[] parts = token(alice).split("\\.");
    String none = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    clients.open("none", none + "." + parts[1] + ".");
    assertThat(clients.awaitConnectError("none")).isEqualTo("Authentication failed");

    String secret = SigningSecret.resolve(ChatConfig.builder().dataDir(dataDir).build());
    String expired = new TokenService(secret, Duration.ofHours(1),
        Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC)).issue(alice);
    clients.open("expired", expired);
    assertThat(clients.awaitConnectError("expired")).isEqualTo("Authentication failed");
  }

  // --- rooms ---

  @Test
  void joinAnswersTheLast50MessagesOldestFirstAndTheOnlineMembers() {
    String room = room();
    List<Long> ids = post(room, carol, "old ", 55);
    connect("bob");
    assertThat(clients.request("bob", "room:join", room).path("ok").asBoolean()).isTrue();
    connect("alice");
    JsonNode ack = clients.request("alice", "room:join", room);
    assertThat(ack.path("ok").asBoolean()).isTrue();
    JsonNode messages = ack.path("messages");
    assertThat(messages).hasSize(50);
    assertThat(messages.get(0).path("id").asLong()).isEqualTo(ids.get(5));
    assertThat(messages.get(49).path("id").asLong()).isEqualTo(ids.get(54));
    assertThat(messages.get(49).path("text").asText()).isEqualTo("old 54");
    assertThat(messages.get(0).path("from").asText()).isEqualTo(carol);
    assertThat(names(ack.path("members"))).containsExactly(alice, bob);

    JsonNode system = clients.awaitEvent("bob", "system:message",
        p -> p.path("text").asText().startsWith(alice + " "));
    assertThat(system.path("room").asText()).isEqualTo(room);
    assertThat(system.path("text").asText()).isEqualTo(alice + " joined #" + room);
  }

  @Test
  void badRoomNamesAreRefused() {
    connect("alice");
    for (Object bad : new Object[] {"Has Caps", "", "x".repeat(33), "semi;colon", 42}) {
      JsonNode ack = clients.request("alice", "room:join", bad);
      assertThat(ack.path("ok").asBoolean()).isFalse();
      assertThat(ack.path("error").asText()).startsWith("Invalid room name");
    }
  }

  @Test
  void leaveTellsTheRoomAndStopsItsMessages() {
    String room = room();
    connect("alice", "bob");
    join(room, "alice", "bob");
    JsonNode ack = clients.request("bob", "room:leave", room);
    assertThat(ack.path("ok").asBoolean()).isTrue();
    JsonNode left = clients.awaitEvent("alice", "system:message",
        p -> p.path("text").asText().startsWith(bob + " left"));
    assertThat(left.path("text").asText()).isEqualTo(bob + " left #" + room);

    clients.request("alice", "room:message", Map.of("room", room, "text", "after bob left"));
    clients.awaitEvent("alice", "chat:message", p -> p.path("text").asText().equals("after bob left"));
    // bob's own later message proves his connection delivered everything sent before it
    clients.request("bob", "room:join", "elsewhere-" + alice);
    clients.request("bob", "room:message", Map.of("room", "elsewhere-" + alice, "text", "marker"));
    clients.awaitEvent("bob", "chat:message", p -> p.path("text").asText().equals("marker"));
    assertThat(clients.seen("bob", "chat:message")).extracting(p -> p.path("text").asText())
        .doesNotContain("after bob left");
    assertThat(clients.request("bob", "room:leave", room).path("error").asText()).isEqualTo("Not in room " + room);
  }

  @Test
  void roomMessagesAreStoredThenSentToEveryoneInTheRoomOnly() {
    String room = room();
    connect("alice", "bob-1", "bob-2", "carol");
    join(room, "alice", "bob-1", "bob-2");
    clients.request("carol", "room:join", "other-" + alice);

    JsonNode ack = clients.request("alice", "room:message", Map.of("room", room, "text", "hello <b>all</b>"));
    assertThat(ack.path("ok").asBoolean()).isTrue();
    JsonNode m = ack.path("message");
    assertThat(m.path("id").asLong()).isPositive();
    assertThat(m.path("room").asText()).isEqualTo(room);
    assertThat(m.path("from").asText()).isEqualTo(alice);
    assertThat(m.path("text").asText()).isEqualTo("hello <b>all</b>");
    assertThat(m.path("ts").asLong()).isPositive();
    for (String who : List.of("alice", "bob-1", "bob-2")) {
      assertThat(clients.awaitEvent(who, "chat:message")).isEqualTo(m);
    }
    clients.request("carol", "room:message", Map.of("room", "other-" + alice, "text", "marker"));
    clients.awaitEvent("carol", "chat:message", p -> p.path("text").asText().equals("marker"));
    assertThat(clients.seen("carol", "chat:message")).hasSize(1);
    assertThat(app.service().history(room, null, 10).join()).extracting(ChatMessage::id)
        .containsExactly(m.path("id").asLong());

    JsonNode notMember = clients.request("carol", "room:message", Map.of("room", room, "text", "sneaky"));
    assertThat(notMember.path("error").asText()).isEqualTo("Join #" + room + " first");
  }

  @Test
  void badMessagesAndFloodsGetClearErrorsAndStoreNothing() {
    String room = room();
    connect("alice");
    clients.request("alice", "room:join", room);
    assertThat(clients.request("alice", "room:message", Map.of("room", room, "text", "x".repeat(2001)))
        .path("error").asText()).isEqualTo("Message is longer than 2000 characters");
    assertThat(clients.request("alice", "room:message", Map.of("room", room, "text", "   "))
        .path("error").asText()).isEqualTo("Message is empty");
    assertThat(clients.request("alice", "room:message", Map.of("room", room)).path("error").asText())
        .isEqualTo("Message is empty");
    assertThat(clients.request("alice", "room:message", Map.of("room", "BAD", "text", "x"))
        .path("error").asText()).startsWith("Invalid room name");
    assertThat(clients.request("alice", "room:message", Map.of("room", room, "text", "x".repeat(2000)))
        .path("ok").asBoolean()).isTrue();
    assertThat(app.service().history(room, null, 100).join()).hasSize(1);

    // a burst of 15 requests sent at once: at most 10 in any second pass
    List<Integer> seqs = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      seqs.add(clients.emit("alice", "room:message", false, Map.of("room", room, "text", "burst " + i)));
    }
    int ok = 0;
    int refused = 0;
    for (int s : seqs) {
      JsonNode ack = clients.awaitAck("alice", s);
      if (ack.path("ok").asBoolean()) {
        ok++;
      } else {
        assertThat(ack.path("error").asText()).isEqualTo("Too many messages: at most 10 a second");
        refused++;
      }
    }
    assertThat(refused).isGreaterThanOrEqualTo(5);
    assertThat(ok + refused).isEqualTo(15);
    assertThat(app.service().history(room, null, 100).join()).hasSize(1 + ok);
  }

  @Test
  void historyFetchPagesBelowAnId() {
    String room = room();
    List<Long> ids = post(room, alice, "m", 30);
    connect("alice");
    JsonNode latest = clients.request("alice", "history:fetch", Map.of("room", room, "limit", 10));
    assertThat(latest.path("ok").asBoolean()).isTrue();
    assertThat(ids(latest.path("messages"))).isEqualTo(ids.subList(20, 30));
    JsonNode page = clients.request("alice", "history:fetch", Map.of("room", room, "before", ids.get(20), "limit", 15));
    assertThat(ids(page.path("messages"))).isEqualTo(ids.subList(5, 20));
    JsonNode rest = clients.request("alice", "history:fetch", Map.of("room", room, "before", ids.get(5), "limit", 15));
    assertThat(ids(rest.path("messages"))).isEqualTo(ids.subList(0, 5));
    assertThat(clients.request("alice", "history:fetch", Map.of("room", "NO")).path("ok").asBoolean()).isFalse();
  }

  // --- typing ---

  @Test
  void typingReachesTheRoomButNotTheSenderIsThrottledAndExpires() {
    String room = room();
    // typing is volatile: WebSocket-only clients, so that no event is dropped between two polling requests
    connectWebSocket("alice-1", "alice-2", "bob", "carol");
    join(room, "alice-1", "alice-2", "bob", "carol");
    for (int i = 0; i < 5; i++) {
      assertThat(clients.request("alice-1", "typing", Map.of("room", room, "isTyping", true)).path("ok").asBoolean())
          .isTrue();
    }
    for (String who : List.of("bob", "carol")) {
      JsonNode t = clients.awaitEvent(who, "user:typing");
      assertThat(t.path("room").asText()).isEqualTo(room);
      assertThat(t.path("username").asText()).isEqualTo(alice);
      assertThat(t.path("isTyping").asBoolean()).isTrue();
    }
    // not renewed: it ends by itself after the expiry (1.5 s in this test)
    JsonNode stop = clients.awaitEvent("bob", "user:typing", p -> !p.path("isTyping").asBoolean());
    assertThat(stop.path("username").asText()).isEqualTo(alice);
    // five signals made one start and one stop
    assertThat(clients.seen("bob", "user:typing")).hasSize(2);
    // the sender's tabs saw none: a later room message to them proves the earlier events would have arrived
    clients.request("bob", "room:message", Map.of("room", room, "text", "marker"));
    clients.awaitEvent("alice-1", "chat:message", p -> p.path("text").asText().equals("marker"));
    clients.awaitEvent("alice-2", "chat:message", p -> p.path("text").asText().equals("marker"));
    assertThat(clients.seen("alice-1", "user:typing")).isEmpty();
    assertThat(clients.seen("alice-2", "user:typing")).isEmpty();

    // an explicit stop is sent at once: bob gets it before a message carol sends right after it
    clients.request("carol", "typing", Map.of("room", room, "isTyping", true));
    clients.awaitEvent("bob", "user:typing", p -> p.path("username").asText().equals(carol)
        && p.path("isTyping").asBoolean());
    clients.request("carol", "typing", Map.of("room", room, "isTyping", false));
    clients.request("carol", "room:message", Map.of("room", room, "text", "after the stop"));
    clients.awaitEvent("bob", "chat:message", p -> p.path("text").asText().equals("after the stop"));
    List<String> order = clients.seenAll("bob").stream()
        .map(e -> e.path("name").asText() + ":" + e.path("args").path(0).path("username").asText()
            + e.path("args").path(0).path("isTyping").asText() + e.path("args").path(0).path("text").asText())
        .toList();
    assertThat(order).containsSubsequence("user:typing:" + carol + "false", "chat:message:after the stop");
    assertThat(clients.request("carol", "typing", Map.of("room", "not-joined", "isTyping", true))
        .path("ok").asBoolean()).isFalse();
  }

  // --- private messages ---

  @Test
  void privateMessagesReachEveryTabOfTheRecipientAndReportDelivery() {
    connect("alice", "bob-1", "bob-2");
    JsonNode ack = clients.request("alice", "chat:private", Map.of("to", bob, "text", "psst"));
    assertThat(ack.path("ok").asBoolean()).isTrue();
    assertThat(ack.path("delivered").asBoolean()).isTrue();
    long id = ack.path("id").asLong();
    for (String tab : List.of("bob-1", "bob-2")) {
      JsonNode raw = clients.awaitRawEvent(tab, "chat:private", p -> p.path("id").asLong() == id);
      assertThat(raw.path("withAck").asBoolean()).isTrue();
      JsonNode pm = raw.path("args").path(0);
      assertThat(pm.path("from").asText()).isEqualTo(alice);
      assertThat(pm.path("text").asText()).isEqualTo("psst");
      assertThat(pm.path("ts").asLong()).isPositive();
    }
    assertThat(app.service().conversation(alice, bob, 10).join()).singleElement()
        .extracting(PrivateMessage::status).isEqualTo(PrivateMessage.DELIVERED);

    assertThat(clients.request("alice", "chat:private", Map.of("to", "nobody-" + alice, "text", "hi"))
        .path("error").asText()).isEqualTo("Unknown recipient: nobody-" + alice);
    assertThat(clients.request("alice", "chat:private", Map.of("to", bob, "text", ""))
        .path("error").asText()).isEqualTo("Message is empty");
    assertThat(clients.request("alice", "chat:private", Map.of("text", "hi")).path("error").asText())
        .isEqualTo("Unknown recipient");
  }

  @Test
  void aMessageToAnOfflineUserIsDeliveredWhenTheyConnectWithAReceipt() {
    token(bob); // registered, not connected
    connect("alice");
    JsonNode ack = clients.request("alice", "chat:private", Map.of("to", bob, "text", "while you were away"));
    assertThat(ack.path("ok").asBoolean()).isTrue();
    assertThat(ack.path("delivered").asBoolean()).isFalse();
    assertThat(ack.path("reason").asText()).isEqualTo("User not online");
    long id = ack.path("id").asLong();
    List<Notification> notes = app.service().notifications(bob, 10).join();
    assertThat(notes).singleElement().satisfies(n -> {
      assertThat(n.type()).isEqualTo(Notification.PRIVATE);
      assertThat(n.title()).isEqualTo("Private message from " + alice);
      assertThat(n.body()).isEqualTo("while you were away");
    });

    connect("bob");
    JsonNode pm = clients.awaitEvent("bob", "chat:private", p -> p.path("id").asLong() == id);
    assertThat(pm.path("text").asText()).isEqualTo("while you were away");
    JsonNode receipt = clients.awaitEvent("alice", "chat:receipt");
    assertThat(receipt.path("id").asLong()).isEqualTo(id);
    assertThat(receipt.path("status").asText()).isEqualTo("delivered");

    assertThat(app.service().conversation(alice, bob, 10).join()).singleElement()
        .extracting(PrivateMessage::status).isEqualTo(PrivateMessage.DELIVERED);
    // once delivered it is no longer pending: a later connection of bob's does not get it again
    connect("bob-2");
    assertThat(app.service().undelivered(bob).join()).isEmpty();
    clients.request("bob", "chat:read", Map.of("id", id));
    clients.awaitEvent("alice", "chat:receipt", p -> p.path("status").asText().equals("read"));
    assertThat(clients.seen("alice", "chat:receipt")).extracting(p -> p.path("status").asText())
        .containsExactly("delivered", "read");
  }

  @Test
  void aRecipientDeviceThatNeverAcknowledgesMeansNotDelivered() {
    connect("alice");
    clients.open("bob", token(bob), false);
    clients.awaitConnected("bob");
    long start = System.nanoTime();
    JsonNode ack = clients.request("alice", "chat:private", Map.of("to", bob, "text", "hello?"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(ack.path("delivered").asBoolean()).isFalse();
    assertThat(ack.path("reason").asText()).isEqualTo("User not online");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    clients.awaitEvent("bob", "chat:private", p -> p.path("text").asText().equals("hello?"));
    // it comes again, acknowledged this time, on bob's next connection
    clients.disconnect("bob");
    clients.ackPrivate("bob", true);
    clients.reconnect("bob");
    clients.awaitEvent("bob", "chat:private", p -> p.path("text").asText().equals("hello?"));
    clients.awaitEvent("alice", "chat:receipt", p -> p.path("status").asText().equals("delivered"));
  }

  @Test
  void readReceiptsGoToTheSenderOnlyFromTheRecipient() {
    connect("alice-1", "alice-2", "bob", "carol");
    long id = clients.request("alice-1", "chat:private", Map.of("to", bob, "text", "read me")).path("id").asLong();
    clients.awaitEvent("bob", "chat:private");
    assertThat(clients.request("carol", "chat:read", Map.of("id", id)).path("changed").asBoolean()).isFalse();
    JsonNode ack = clients.request("bob", "chat:read", Map.of("id", id));
    assertThat(ack.path("ok").asBoolean()).isTrue();
    for (String tab : List.of("alice-1", "alice-2")) {
      JsonNode r = clients.awaitEvent(tab, "chat:receipt");
      assertThat(r.path("id").asLong()).isEqualTo(id);
      assertThat(r.path("status").asText()).isEqualTo("read");
    }
    assertThat(clients.request("bob", "chat:read", Map.of("id", "x")).path("error").asText())
        .isEqualTo("Unknown message");
  }

  // --- presence and notifications ---

  @Test
  void presenceListsEachUserOnceAcrossTabsAndFollowsDisconnects() {
    connect("alice-1", "alice-2", "bob");
    clients.awaitOnline("alice-1", v -> v.containsAll(List.of(alice, bob)));
    JsonNode first = clients.awaitEvent("alice-1", "user:online");
    assertThat(first.path("count").asInt()).isEqualTo(first.path("users").size());
    assertThat(names(first.path("users")).stream().filter(u -> u.equals(alice)).count()).isEqualTo(1);
    assertThat(onlineViaApi()).contains(alice, bob);

    clients.disconnect("alice-2"); // alice still has a tab: nobody hears of it
    clients.disconnect("bob");
    clients.awaitOnline("alice-1", v -> !v.contains(bob));
    assertThat(clients.onlineView("alice-1")).contains(alice);
    assertThat(onlineViaApi()).contains(alice).doesNotContain(bob);
    assertThat(clients.seen("alice-1", "user:left")).extracting(p -> p.path("username").asText())
        .doesNotContain(alice);

    clients.reconnect("bob");
    clients.awaitOnline("alice-1", v -> v.contains(bob));
    // one user:online when it connected, then changes only
    assertThat(clients.seen("alice-1", "user:online")).hasSize(1);
  }

  @Test
  void aReconnectionWithinTheGraceAnnouncesNothing() {
    String room = room();
    connect("alice", "bob");
    join(room, "alice", "bob");
    clients.awaitOnline("alice", v -> v.contains(bob));
    clients.awaitEvent("alice", "system:message", p -> p.path("text").asText().equals(bob + " joined #" + room));
    long bobJoined = clients.seen("alice", "user:joined").stream()
        .filter(p -> p.path("username").asText().equals(bob)).count();

    clients.disconnect("bob"); // a reload: gone, and back well within the grace
    clients.reconnect("bob");
    clients.request("bob", "room:join", room);
    clients.request("bob", "room:message", Map.of("room", room, "text", "back"));
    clients.awaitEvent("alice", "chat:message", p -> p.path("text").asText().equals("back"));
    assertThat(onlineViaApi()).contains(bob);
    // carol comes and goes after bob's reload: her user:left, a grace later, comes after any of bob's would have
    connect("carol");
    clients.awaitOnline("alice", v -> v.contains(carol));
    clients.disconnect("carol");
    clients.awaitOnline("alice", v -> !v.contains(carol));

    assertThat(clients.seen("alice", "user:left")).extracting(p -> p.path("username").asText()).doesNotContain(bob);
    assertThat(clients.seen("alice", "user:joined")).filteredOn(p -> p.path("username").asText().equals(bob))
        .hasSize((int) bobJoined);
    assertThat(clients.seen("alice", "system:message")).extracting(p -> p.path("text").asText())
        .containsOnlyOnce(bob + " joined #" + room).doesNotContain(bob + " left #" + room);
    assertThat(clients.onlineView("alice")).contains(bob);
  }

  @Test
  void aSecondTabJoiningARoomIsNotAnnounced() {
    String room = room();
    connect("alice", "bob-1", "bob-2");
    join(room, "alice", "bob-1");
    JsonNode second = clients.request("bob-2", "room:join", room);
    assertThat(names(second.path("members"))).containsExactly(alice, bob);
    clients.request("bob-2", "room:leave", room); // bob-1 is still there
    clients.request("alice", "room:message", Map.of("room", room, "text", "marker"));
    clients.awaitEvent("alice", "chat:message", p -> p.path("text").asText().equals("marker"));
    assertThat(clients.seen("alice", "system:message")).extracting(p -> p.path("text").asText())
        .containsExactly(alice + " joined #" + room, bob + " joined #" + room);
  }

  private List<String> onlineViaApi() {
    try {
      var res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + app.port() + "/api/online"))
              .header("Authorization", "Bearer " + token(alice)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      JsonNode body = ChatJson.MAPPER.readTree(res.body());
      assertThat(body.path("count").asInt()).isEqualTo(body.path("users").size());
      return names(body.path("users"));
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void mentionsNotifyTheMentionedUserOnAllTabs() {
    String room = room();
    connect("alice", "bob-1", "bob-2");
    clients.request("alice", "room:join", room);
    clients.request("alice", "room:message", Map.of("room", room, "text", "ping @" + bob));
    for (String tab : List.of("bob-1", "bob-2")) {
      JsonNode n = clients.awaitEvent(tab, "notification");
      assertThat(n.path("type").asText()).isEqualTo("mention");
      assertThat(n.path("title").asText()).isEqualTo(alice + " mentioned you in #" + room);
      assertThat(n.path("body").asText()).isEqualTo("ping @" + bob);
      assertThat(n.path("link").asText()).isEqualTo("/#room/" + room);
      assertThat(n.path("id").asLong()).isPositive();
      assertThat(n.path("createdAt").asLong()).isPositive();
    }
  }

  @Test
  void aReconnectedClientCatchesUpFromHistory() {
    String room = room();
    connect("alice", "bob");
    join(room, "alice", "bob");
    clients.disconnect("bob");
    clients.request("alice", "room:message", Map.of("room", room, "text", "while bob was away"));
    clients.reconnect("bob");
    JsonNode ack = clients.request("bob", "room:join", room);
    assertThat(ack.path("messages").findValuesAsText("text")).contains("while bob was away");
    clients.request("alice", "room:message", Map.of("room", room, "text", "welcome back"));
    clients.awaitEvent("bob", "chat:message", p -> p.path("text").asText().equals("welcome back"));
  }

  /** Posts {@code count} messages to {@code room} as {@code user} through the service; their ids, oldest first. */
  private List<Long> post(String room, String user, String textPrefix, int count) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(app.service().postMessage(room, user, textPrefix + i).join().id());
    }
    return ids;
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<Long> ids(JsonNode messages) {
    List<Long> out = new ArrayList<>();
    messages.forEach(n -> out.add(n.path("id").asLong()));
    return out;
  }
}
