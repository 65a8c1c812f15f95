package io.switchboard.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.NodeScript;
import io.switchboard.testkit.RepositoryRoot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Several official {@code socket.io-client} connections (users and their tabs) in one Node.js process, driven by
 * the script {@code chat/src/test/node/chat-clients.mjs}.
 *
 * <pre>{@code
 * try (ChatClients clients = ChatClients.start(app.url())) {
 *   clients.connect("alice-1", aliceToken);
 *   JsonNode ack = clients.request("alice-1", "room:join", "general");
 *   JsonNode msg = clients.awaitEvent("bob-1", "chat:message");
 * }
 * }</pre>
 *
 * <p>Unlike {@link NodeScript#await}, waiting here never drops other events: each wait takes the first event that
 * matches and has not been taken before, so events of several clients can be awaited in any order.
 */
final class ChatClients implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);

  private final NodeScript node;
  private final String url;
  private final Set<Integer> taken = new HashSet<>();
  private int seq;

  private ChatClients(NodeScript node, String url) {
    this.node = node;
    this.url = url;
  }

  static ChatClients start(String url) {
    String script = RepositoryRoot.find().resolve("chat/src/test/node/chat-clients.mjs").toString();
    ChatClients c = new ChatClients(NodeScript.start(script), url);
    c.await(e -> e.path("event").asText().equals("ready"), WAIT);
    return c;
  }

  /** Opens a connection with this token; the client answers {@code chat:private} acknowledgements. */
  void open(String id, String token) {
    open(id, token, true);
  }

  void open(String id, String token, boolean ackPrivate) {
    open(id, token, ackPrivate, false);
  }

  /** Opens a connection; {@code webSocketOnly} skips HTTP long-polling (for volatile events, which polling may drop). */
  void open(String id, String token, boolean ackPrivate, boolean webSocketOnly) {
    ObjectNode cmd = NodeScript.command().put("op", "connect").put("id", id).put("url", url)
        .put("ackPrivate", ackPrivate);
    if (webSocketOnly) {
      cmd.putArray("transports").add("websocket");
    }
    if (token != null) {
      cmd.put("token", token);
    }
    node.send(cmd);
  }

  /** Opens a connection and waits until it is in the namespace. */
  void connect(String id, String token) {
    open(id, token, true);
    awaitConnected(id);
  }

  /** Opens a WebSocket-only connection and waits until it is in the namespace. */
  void connectWebSocket(String id, String token) {
    open(id, token, true, true);
    awaitConnected(id);
  }

  void awaitConnected(String id) {
    JsonNode e = await(ev -> is(ev, id, "connect") || is(ev, id, "connect_error"), WAIT);
    if (!e.path("event").asText().equals("connect")) {
      throw new AssertionError(id + " could not connect: " + e);
    }
  }

  /** Waits for this client's {@code connect_error} and returns its message. */
  String awaitConnectError(String id) {
    JsonNode e = await(ev -> is(ev, id, "connect") || is(ev, id, "connect_error"), WAIT);
    if (!e.path("event").asText().equals("connect_error")) {
      throw new AssertionError(id + " connected, expected connect_error");
    }
    return e.path("message").asText();
  }

  /** Waits for this client's {@code disconnect} and returns its reason. */
  String awaitDisconnect(String id) {
    return await(ev -> is(ev, id, "disconnect"), WAIT).path("reason").asText();
  }

  /** Emits an event with an acknowledgement callback and returns the first argument of the answer. */
  JsonNode request(String id, String event, Object... args) {
    int n = emit(id, event, false, args);
    JsonNode ack = await(ev -> (is(ev, id, "ack") || is(ev, id, "ackError")) && ev.path("seq").asInt() == n, WAIT);
    if (ack.path("event").asText().equals("ackError")) {
      throw new AssertionError(id + " got no answer to " + event + ": " + ack.path("message").asText());
    }
    return ack.path("args").path(0);
  }

  /** Emits an event with an acknowledgement callback but does not wait; returns the sequence number. */
  int emit(String id, String event, boolean asVolatile, Object... args) {
    int n = ++seq;
    ObjectNode cmd = NodeScript.command().put("op", "emit").put("id", id).put("seq", n).put("event", event)
        .put("volatile", asVolatile);
    ArrayNode a = cmd.putArray("args");
    for (Object arg : args) {
      a.add(ChatJson.MAPPER.valueToTree(arg));
    }
    node.send(cmd);
    return n;
  }

  /** The answer to the request with sequence number {@code n}. */
  JsonNode awaitAck(String id, int n) {
    return await(ev -> is(ev, id, "ack") && ev.path("seq").asInt() == n, WAIT).path("args").path(0);
  }

  /** Waits for the next not-yet-taken event {@code name} at client {@code id} and returns its first argument. */
  JsonNode awaitEvent(String id, String name) {
    return awaitEvent(id, name, p -> true);
  }

  JsonNode awaitEvent(String id, String name, Predicate<JsonNode> payload) {
    return awaitEvent(id, name, payload, WAIT);
  }

  JsonNode awaitEvent(String id, String name, Predicate<JsonNode> payload, Duration timeout) {
    return await(ev -> is(ev, id, "sio") && ev.path("name").asText().equals(name)
        && payload.test(ev.path("args").path(0)), timeout).path("args").path(0);
  }

  /** Whether the event that {@link #awaitEvent} would return for these arguments came with an ack request. */
  JsonNode awaitRawEvent(String id, String name, Predicate<JsonNode> payload) {
    return await(ev -> is(ev, id, "sio") && ev.path("name").asText().equals(name)
        && payload.test(ev.path("args").path(0)), WAIT);
  }

  /** Every event {@code name} seen so far at client {@code id} (taken or not), first arguments. */
  List<JsonNode> seen(String id, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode ev : node.events()) {
      if (is(ev, id, "sio") && ev.path("name").asText().equals(name)) {
        out.add(ev.path("args").path(0));
      }
    }
    return out;
  }

  /**
   * Who client {@code id} believes is online: its last {@code user:online} list with the {@code user:joined} and
   * {@code user:left} that came after it applied (empty before the first {@code user:online}).
   */
  java.util.SortedSet<String> onlineView(String id) {
    java.util.SortedSet<String> view = new java.util.TreeSet<>();
    for (JsonNode ev : seenAll(id)) {
      applyPresence(view, ev);
    }
    return view;
  }

  /** Applies a Socket.IO event to a view of who is online; whether it was a presence event. */
  private static boolean applyPresence(java.util.SortedSet<String> view, JsonNode ev) {
    JsonNode p = ev.path("args").path(0);
    switch (ev.path("name").asText()) {
      case "user:online" -> {
        view.clear();
        p.path("users").forEach(u -> view.add(u.asText()));
      }
      case "user:joined" -> view.add(p.path("username").asText());
      case "user:left" -> view.remove(p.path("username").asText());
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Waits until {@link #onlineView} of client {@code id} matches. */
  java.util.SortedSet<String> awaitOnline(String id, Predicate<java.util.SortedSet<String>> p) {
    return Await.value(() -> id + " sees " + onlineView(id) + " online; events: " + seenAll(id), WAIT, () -> {
      java.util.SortedSet<String> view = onlineView(id);
      return p.test(view) ? view : null;
    });
  }

  /** What one client saw of presence: its view of who is online, and how many presence events made it. */
  record PresenceSeen(java.util.SortedSet<String> online, int events) {}

  /** {@link #onlineView} and {@link #presenceEvents} of every client, in one pass over the events. */
  Map<String, PresenceSeen> presenceOfAll() {
    Map<String, java.util.SortedSet<String>> views = new java.util.HashMap<>();
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (JsonNode ev : node.events()) {
      if (!ev.path("event").asText().equals("sio")) {
        continue;
      }
      String id = ev.path("id").asText();
      java.util.SortedSet<String> view = views.computeIfAbsent(id, k -> new java.util.TreeSet<>());
      if (applyPresence(view, ev)) {
        counts.merge(id, 1, Integer::sum);
      }
    }
    Map<String, PresenceSeen> out = new java.util.HashMap<>();
    views.forEach((id, view) -> out.put(id, new PresenceSeen(view, counts.getOrDefault(id, 0))));
    return out;
  }

  /** Asks client {@code id} to disconnect, without waiting. */
  void close(String id) {
    node.send(NodeScript.command().put("op", "disconnect").put("id", id));
  }

  /** How many presence events ({@code user:online}, {@code user:joined}, {@code user:left}) client {@code id} got. */
  int presenceEvents(String id) {
    int n = 0;
    for (JsonNode ev : node.events()) {
      if (is(ev, id, "sio") && ev.path("name").asText().startsWith("user:")
          && !ev.path("name").asText().equals("user:typing")) {
        n++;
      }
    }
    return n;
  }

  /** The first argument of every acknowledgement client {@code id} received so far, in arrival order. */
  List<JsonNode> acks(String id) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode ev : node.events()) {
      if (is(ev, id, "ack")) {
        out.add(ev.path("args").path(0));
      }
    }
    return out;
  }

  /** Every Socket.IO event seen so far at client {@code id}, in arrival order, whole. */
  List<JsonNode> seenAll(String id) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode ev : node.events()) {
      if (is(ev, id, "sio")) {
        out.add(ev);
      }
    }
    return out;
  }

  /** Every event {@code name} seen so far at client {@code id}, whole (with {@code at}, the time it arrived). */
  List<JsonNode> seenRaw(String id, String name) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode ev : node.events()) {
      if (is(ev, id, "sio") && ev.path("name").asText().equals(name)) {
        out.add(ev);
      }
    }
    return out;
  }

  /** Waits until client {@code id} has seen at least {@code n} events {@code name}. */
  void awaitCount(String id, String name, int n, Duration timeout) {
    Await.until(() -> id + " saw " + seenRaw(id, name).size() + " of " + n + " " + name + " events", timeout,
        () -> seenRaw(id, name).size() >= n);
  }

  /** The script itself, for commands these methods do not cover. */
  NodeScript node() {
    return node;
  }

  void setToken(String id, String token) {
    node.send(NodeScript.command().put("op", "auth").put("id", id).put("token", token));
  }

  void ackPrivate(String id, boolean value) {
    node.send(NodeScript.command().put("op", "ackPrivate").put("id", id).put("value", value));
  }

  void disconnect(String id) {
    node.send(NodeScript.command().put("op", "disconnect").put("id", id));
    awaitDisconnect(id);
  }

  void reconnect(String id) {
    node.send(NodeScript.command().put("op", "reconnect").put("id", id));
    awaitConnected(id);
  }

  /** Closes the connection under client {@code id} as a network failure would, and waits for its disconnect. */
  void drop(String id) {
    node.send(NodeScript.command().put("op", "drop").put("id", id));
    awaitDisconnect(id);
  }

  /** Reconnects client {@code id} and returns whether the server recovered its session. */
  boolean reconnectRecovering(String id) {
    node.send(NodeScript.command().put("op", "reconnect").put("id", id));
    JsonNode e = await(ev -> is(ev, id, "connect") || is(ev, id, "connect_error"), WAIT);
    if (!e.path("event").asText().equals("connect")) {
      throw new AssertionError(id + " could not connect: " + e);
    }
    return e.path("recovered").asBoolean();
  }

  private static boolean is(JsonNode ev, String id, String event) {
    return ev.path("event").asText().equals(event) && ev.path("id").asText().equals(id);
  }

  private synchronized JsonNode await(Predicate<JsonNode> p, Duration timeout) {
    return Await.value(() -> "no matching event; events: " + node.events() + "; stderr: " + node.stderr(), timeout,
        () -> {
          List<JsonNode> events = node.events();
          for (int i = 0; i < events.size(); i++) {
            if (!taken.contains(i) && p.test(events.get(i))) {
              taken.add(i);
              return events.get(i);
            }
          }
          if (!node.isAlive()) {
            throw new AssertionError("the client script ended: " + node.stderr());
          }
          return null;
        });
  }

  @Override
  public void close() {
    node.close();
  }
}
