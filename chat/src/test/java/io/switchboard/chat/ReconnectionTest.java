package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconnecting loses nothing and repeats nothing: a connection that drops comes back (connection state recovery) in
 * its rooms with the messages it missed, silently for the others; and a message sent again with the same
 * {@code clientId} (a retry after a lost acknowledgement) is stored and sent once, the retry answered with the first.
 */
class ReconnectionTest extends ChatSocketsSupport {
  private static final ChatTiming TIMING = ChatTiming.DEFAULT.withPrivateAckTimeout(Duration.ofSeconds(2))
      .withPresence(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ZERO);

  private String room;

  @BeforeAll
  static void startServer() {
    startServer(TIMING);
  }

  @BeforeEach
  void aliceAndBobInARoom() {
    room = "reconnect-" + alice;
    connect("alice", "bob");
    join(room, "alice", "bob");
  }

  @Test
  void aDroppedConnectionComesBackInItsRoomsWithWhatItMissed() {
    clients.awaitOnline("alice", v -> v.contains(bob));
    clients.drop("bob");
    clients.request("alice", "room:message", Map.of("room", room, "text", "while you were away 1"));
    clients.request("alice", "room:message", Map.of("room", room, "text", "while you were away 2"));

    assertThat(clients.reconnectRecovering("bob")).as("recovered").isTrue();
    clients.awaitEvent("bob", "chat:message", p -> p.path("text").asText().equals("while you were away 1"));
    clients.awaitEvent("bob", "chat:message", p -> p.path("text").asText().equals("while you were away 2"));
    // still in the room without joining again
    JsonNode ack = clients.request("bob", "room:message", Map.of("room", room, "text", "back"));
    assertThat(ack.path("ok").asBoolean()).as("ack %s", ack).isTrue();
    clients.awaitEvent("alice", "chat:message", p -> p.path("text").asText().equals("back"));

    // a departure that comes after any of bob's would have: then nothing of bob's was announced
    connect("carol");
    clients.awaitOnline("alice", v -> v.contains(carol));
    clients.disconnect("carol");
    clients.awaitOnline("alice", v -> !v.contains(carol));
    assertThat(clients.seen("alice", "user:left")).extracting(p -> p.path("username").asText()).doesNotContain(bob);
    assertThat(clients.seen("alice", "system:message")).extracting(p -> p.path("text").asText())
        .containsOnlyOnce(bob + " joined #" + room).doesNotContain(bob + " left #" + room);
  }

  @Test
  void aSessionComesBackOnlyWithATokenOfItsOwnUser() {
    clients.drop("bob");
    clients.setToken("bob", token(carol)); // someone else's token with bob's private session id
    clients.node().send(io.switchboard.testkit.NodeScript.command().put("op", "reconnect").put("id", "bob"));
    assertThat(clients.awaitConnectError("bob")).isEqualTo("Authentication failed");
  }

  @Test
  void aRoomMessageSentTwiceWithOneClientIdIsStoredAndSentOnce() {
    Map<String, Object> msg = Map.of("room", room, "text", "only once", "clientId", "c-1");
    JsonNode first = clients.request("alice", "room:message", msg);
    JsonNode again = clients.request("alice", "room:message", msg);
    assertThat(first.path("ok").asBoolean()).isTrue();
    assertThat(again).isEqualTo(first);
    assertThat(first.path("message").path("clientId").asText()).isEqualTo("c-1");
    // another tab of alice retrying gets the same; another user's c-1 is another message
    connect("alice-2");
    clients.request("alice-2", "room:join", room);
    assertThat(clients.request("alice-2", "room:message", msg)).isEqualTo(first);
    JsonNode bobs = clients.request("bob", "room:message", msg);
    assertThat(bobs.path("message").path("id").asLong()).isNotEqualTo(first.path("message").path("id").asLong());

    clients.request("alice", "room:message", Map.of("room", room, "text", "marker"));
    clients.awaitEvent("bob", "chat:message", p -> p.path("text").asText().equals("marker"));
    assertThat(clients.seen("bob", "chat:message")).filteredOn(p -> p.path("from").asText().equals(alice))
        .extracting(p -> p.path("text").asText()).containsExactly("only once", "marker");
    List<ChatMessage> history = app.service().history(room, null, 100).join();
    assertThat(history).filteredOn(m -> m.text().equals("only once")).hasSize(2); // alice's and bob's
  }

  @Test
  void aPrivateMessageSentTwiceWithOneClientIdIsStoredAndSentOnce() {
    app.service().login(bob, "secret-" + bob).join(); // a registered recipient
    Map<String, Object> pm = Map.of("to", bob, "text", "psst", "clientId", "p-1");
    JsonNode first = clients.request("alice", "chat:private", pm);
    assertThat(first.path("delivered").asBoolean()).as("ack %s", first).isTrue();
    assertThat(first.path("message").path("text").asText()).isEqualTo("psst");
    JsonNode again = clients.request("alice", "chat:private", pm);
    assertThat(again.path("id").asLong()).isEqualTo(first.path("id").asLong());
    assertThat(again.path("delivered").asBoolean()).isTrue();
    assertThat(again.path("message")).isEqualTo(first.path("message"));

    clients.request("alice", "chat:private", Map.of("to", bob, "text", "marker"));
    clients.awaitEvent("bob", "chat:private", p -> p.path("text").asText().equals("marker"));
    assertThat(clients.seen("bob", "chat:private")).extracting(p -> p.path("text").asText())
        .containsExactly("psst", "marker");
    assertThat(app.service().conversation(alice, bob, 10).join()).extracting(PrivateMessage::text)
        .containsExactly("psst", "marker");
  }

  @Test
  void badClientIdsAreRefusedAndStoreNothing() {
    for (Object bad : new Object[] {"x".repeat(65), "", 42, Map.of("a", 1)}) {
      JsonNode room1 = clients.request("alice", "room:message", Map.of("room", room, "text", "bad id", "clientId", bad));
      assertThat(room1.path("ok").asBoolean()).isFalse();
      assertThat(room1.path("error").asText()).startsWith("Invalid clientId");
      JsonNode direct = clients.request("alice", "chat:private", Map.of("to", bob, "text", "bad id", "clientId", bad));
      assertThat(direct.path("error").asText()).startsWith("Invalid clientId");
    }
    assertThat(clients.request("alice", "room:message", Map.of("room", room, "text", "ok id", "clientId",
        "x".repeat(64))).path("ok").asBoolean()).isTrue();
    assertThat(app.service().history(room, null, 100).join()).extracting(ChatMessage::text).containsExactly("ok id");
  }

  /** A token issued for the user, who is not registered by it. */
  @Override
  String token(String user) {
    return app.service().tokens().issue(user);
  }
}
