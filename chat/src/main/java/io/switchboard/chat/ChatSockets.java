package io.switchboard.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.server.Ack;
import io.switchboard.server.Args;
import io.switchboard.server.ConnectError;
import io.switchboard.server.Namespace;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's Socket.IO side on one namespace: token check in the namespace middleware, then the client events
 * ({@code room:join}, {@code room:leave}, {@code room:message}, {@code history:fetch}, {@code typing},
 * {@code chat:private}, {@code chat:read}, {@code auth:refresh}), each answered through its ack with
 * {@code {"ok":true,…}} or {@code {"ok":false,"error":…}}.
 *
 * <pre>{@code
 * new ChatSockets(chat, server.of("/"), timer, Clock.systemUTC(), ChatTiming.DEFAULT, 10).install();
 * }</pre>
 *
 * <p>Every socket joins the room {@code user:<name>} of its user, so that private messages, receipts and
 * notifications reach all of that user's tabs. Presence is computed from the sockets of the namespace.
 */
public final class ChatSockets {
  private static final Logger log = LoggerFactory.getLogger(ChatSockets.class);

  private final ChatService chat;
  private final Namespace nsp;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final ChatTiming timing;
  private final FloodLimiter flood;
  private final TypingTracker typing;
  private final Presence presence;

  /** Who a socket is: stored as the socket's data, as a map so that it also travels between cluster nodes. */
  static Map<String, Object> identity(String username) {
    return Map.of("username", username);
  }

  public ChatSockets(ChatService chat, Namespace nsp, ScheduledExecutorService timer, Clock clock, ChatTiming timing,
      int floodLimit) {
    this.chat = chat;
    this.nsp = nsp;
    this.timer = timer;
    this.clock = clock;
    this.timing = timing;
    this.flood = new FloodLimiter(floodLimit, Duration.ofSeconds(1), clock);
    this.typing = new TypingTracker(timer, timing.typingThrottle(), timing.typingExpiry(), clock,
        (room, user, isTyping) -> nsp.to(room).except(userRoom(user)).asVolatile()
            .emit("user:typing", Map.of("room", room, "username", user, "isTyping", isTyping)));
    this.presence = new Presence(() -> nsp.fetchSockets().thenApply(ChatSockets::usernames),
        payload -> nsp.emit("user:online", payload));
  }

  /** The room holding every socket of {@code username}. */
  public static String userRoom(String username) {
    return "user:" + username;
  }

  /** The distinct user names of these sockets, in order of first appearance. */
  static List<String> usernames(List<RemoteSocket> sockets) {
    List<String> out = new ArrayList<>();
    for (RemoteSocket s : sockets) {
      String name = usernameOf(s.data());
      if (name != null && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private static String usernameOf(Object data) {
    if (data instanceof Map<?, ?> m && m.get("username") instanceof String s) {
      return s;
    }
    if (data instanceof JsonNode n && n.path("username").isTextual()) {
      return n.get("username").asText();
    }
    return null;
  }

  /** Adds the middleware and the connection handler to the namespace, and forwards notifications to sockets. */
  public void install() {
    nsp.use((socket, next) -> {
      Object token = socket.handshake().auth().get("token");
      Optional<TokenService.Claims> claims = chat.tokens().verify(token instanceof String s ? s : null);
      if (claims.isEmpty()) {
        next.fail(new ConnectError("Authentication failed"));
        return;
      }
      socket.data(identity(claims.get().username()));
      next.proceed();
    });
    nsp.onConnection(this::onConnection);
    // to the user's sockets on every node, and to the event streams held by the other nodes
    chat.bus().subscribeAll((user, n) -> {
      nsp.to(userRoom(user)).emit("notification", n);
      nsp.serverSideEmit("chat:notification", user, n);
    });
    nsp.onServerSideEmit("chat:notification", (args, ack) ->
        chat.bus().publishToUser(args.string(0), args.get(1, Notification.class)));
  }

  /** The state of one authenticated socket. */
  private static final class Connection {
    final Socket socket;
    final String username;
    final AtomicReference<Instant> expiresAt = new AtomicReference<>();
    final AtomicReference<ScheduledFuture<?>> warning = new AtomicReference<>();
    final AtomicReference<ScheduledFuture<?>> expiry = new AtomicReference<>();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    Connection(Socket socket, String username) {
      this.socket = socket;
      this.username = username;
    }

    /**
     * Runs {@code step} after the steps queued before it have completed (successfully or not), so that this
     * connection's messages are stored and sent in the order the client sent them.
     */
    synchronized <T> CompletableFuture<T> inOrder(java.util.function.Supplier<CompletableFuture<T>> step) {
      CompletableFuture<T> next = tail.handle((x, e) -> null).thenCompose(x -> step.get());
      tail = next;
      return next;
    }
  }

  private void onConnection(Socket socket) {
    Object token = socket.handshake().auth().get("token");
    Optional<TokenService.Claims> claims = chat.tokens().verify(token instanceof String s ? s : null);
    if (claims.isEmpty()) { // expired between the middleware and now
      socket.disconnect(true);
      return;
    }
    String me = claims.get().username();
    Connection c = new Connection(socket, me);
    c.expiresAt.set(claims.get().expiresAt());
    socket.join(userRoom(me));
    scheduleExpiry(c);
    socket.on("room:join", (args, ack) -> reply(ack, join(socket, me, args)));
    socket.on("room:leave", (args, ack) -> reply(ack, leave(socket, me, args)));
    socket.on("room:message", (args, ack) -> reply(ack, message(c, args)));
    socket.on("history:fetch", (args, ack) -> reply(ack, history(args)));
    socket.on("typing", (args, ack) -> reply(ack, typing(socket, me, args)));
    socket.on("chat:private", (args, ack) -> reply(ack, sendPrivate(c, args)));
    socket.on("chat:read", (args, ack) -> reply(ack, read(me, args)));
    socket.on("auth:refresh", (args, ack) -> reply(ack, refresh(c, args)));
    AtomicReference<Set<String>> roomsAtExit = new AtomicReference<>(Set.of());
    socket.onDisconnecting((reason, description) -> {
      roomsAtExit.set(Set.copyOf(socket.rooms()));
      cancel(c);
    });
    socket.onDisconnect((reason, description) -> {
      cancel(c);
      presence.changed();
      announceLeaves(me, roomsAtExit.get()).thenRun(() -> stopTypingIfGone(me));
    });
    presence.changed();
    deliverPending(socket, me);
  }

  // --- events ---

  private CompletableFuture<ObjectNode> join(Socket socket, String me, Args args) {
    String room = args.string(0);
    if (room == null && args.size() > 0 && args.node(0).isObject()) {
      room = args.node(0).path("room").asText(null);
    }
    Optional<String> bad = InputRules.checkRoom(room);
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    String r = room;
    return chat.ensureRoom(r)
        .thenCompose(x -> nsp.in(r).fetchSockets().toCompletableFuture())
        .thenCompose(before -> {
          boolean first = !usernames(before).contains(me);
          socket.join(r);
          if (first) {
            system(r, me + " joined #" + r);
          }
          return chat.history(r, null, ChatService.JOIN_HISTORY)
              .thenCombine(nsp.in(r).fetchSockets().toCompletableFuture(), (messages, members) -> {
                ObjectNode ok = ChatJson.ok().put("room", r);
                ok.set("messages", ChatJson.MAPPER.valueToTree(messages));
                ok.set("members", ChatJson.MAPPER.valueToTree(new java.util.TreeSet<>(usernames(members))));
                return ok;
              });
        });
  }

  private CompletableFuture<ObjectNode> leave(Socket socket, String me, Args args) {
    String room = args.string(0);
    if (room == null && args.size() > 0 && args.node(0).isObject()) {
      room = args.node(0).path("room").asText(null);
    }
    Optional<String> bad = InputRules.checkRoom(room);
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    if (!socket.rooms().contains(room)) {
      return CompletableFuture.failedFuture(new ChatException("Not in room " + room));
    }
    String r = room;
    socket.leave(r);
    typing.update(me, r, false);
    return announceLeaves(me, Set.of(r)).thenApply(x -> ChatJson.ok().put("room", r));
  }

  private void stopTypingIfGone(String me) {
    nsp.in(userRoom(me)).fetchSockets().thenAccept(left -> {
      if (left.isEmpty()) {
        typing.stopAll(me);
      }
    });
  }

  /** Tells each room that {@code me} left, for rooms where no socket of theirs remains. */
  private CompletableFuture<Void> announceLeaves(String me, Set<String> rooms) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (String r : rooms) {
      if (r.startsWith("user:") || !InputRules.ROOM.matcher(r).matches()) {
        continue;
      }
      all.add(nsp.in(r).fetchSockets().toCompletableFuture().thenAccept(left -> {
        if (!usernames(left).contains(me)) {
          system(r, me + " left #" + r);
        }
      }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private void system(String room, String text) {
    nsp.to(room).emit("system:message", Map.of("room", room, "text", text, "ts", clock.millis()));
  }

  private CompletableFuture<ObjectNode> message(Connection c, Args args) {
    Socket socket = c.socket;
    String me = c.username;
    JsonNode body = object(args);
    String room = body.path("room").isTextual() ? body.get("room").asText() : null;
    Optional<String> bad = InputRules.checkRoom(room).or(() -> InputRules.checkText(text(body)));
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    if (!socket.rooms().contains(room)) {
      return CompletableFuture.failedFuture(new ChatException("Join #" + room + " first"));
    }
    if (!flood.tryAcquire(me)) {
      return CompletableFuture.failedFuture(new ChatException(
          "Too many messages: at most " + flood.limit() + " a second"));
    }
    typing.update(me, room, false);
    return c.inOrder(() -> chat.postMessage(room, me, text(body)).thenApply(m -> {
      nsp.to(m.room()).emit("chat:message", m);
      return m;
    })).thenApply(m -> {
      ObjectNode ok = ChatJson.ok();
      ok.set("message", ChatJson.MAPPER.valueToTree(m));
      return ok;
    });
  }

  private CompletableFuture<ObjectNode> history(Args args) {
    JsonNode body = object(args);
    JsonNode before = body.path("before");
    Long b = before.canConvertToLong() && !before.isNull() && !before.isMissingNode() ? before.asLong() : null;
    int limit = body.path("limit").canConvertToInt() ? body.get("limit").asInt() : ChatService.JOIN_HISTORY;
    Object room = body.path("room").isTextual() ? body.get("room").asText() : null;
    return chat.history(room, b, limit).thenApply(list -> {
      ObjectNode ok = ChatJson.ok();
      ok.set("messages", ChatJson.MAPPER.valueToTree(list));
      return ok;
    });
  }

  private CompletableFuture<ObjectNode> typing(Socket socket, String me, Args args) {
    JsonNode body = object(args);
    String room = body.path("room").isTextual() ? body.get("room").asText() : null;
    Optional<String> bad = InputRules.checkRoom(room);
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    if (!socket.rooms().contains(room)) {
      return CompletableFuture.failedFuture(new ChatException("Join #" + room + " first"));
    }
    typing.update(me, room, body.path("isTyping").asBoolean(false));
    return CompletableFuture.completedFuture(ChatJson.ok());
  }

  private CompletableFuture<ObjectNode> sendPrivate(Connection c, Args args) {
    String me = c.username;
    JsonNode body = object(args);
    Object to = body.path("to").isTextual() ? body.get("to").asText() : null;
    Optional<String> bad = InputRules.checkText(text(body));
    if (bad.isEmpty() && to == null) {
      bad = Optional.of("Unknown recipient");
    }
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    if (!flood.tryAcquire(me)) {
      return CompletableFuture.failedFuture(new ChatException(
          "Too many messages: at most " + flood.limit() + " a second"));
    }
    record Sent(PrivateMessage pm, CompletableFuture<Boolean> delivered) {}
    return c.inOrder(() -> chat.postPrivate(me, to, text(body))
            .thenCompose(pm -> deliver(pm).thenApply(delivered -> new Sent(pm, delivered))))
        .thenCompose(sent -> sent.delivered().thenCompose(delivered -> answerPrivate(sent.pm(), delivered)));
  }

  private CompletableFuture<ObjectNode> answerPrivate(PrivateMessage pm, boolean delivered) {
    ObjectNode ok = ChatJson.ok().put("id", pm.id()).put("delivered", delivered).put("ts", pm.ts());
    if (delivered) {
      return CompletableFuture.completedFuture(ok);
    }
    ok.put("reason", "User not online");
    return chat.notifyOffline(pm).thenApply(n -> ok);
  }

  /**
   * Emits a private message to every socket of its recipient with an acknowledgement; completes once emitted, with
   * the outcome: true (and marked delivered) as soon as one device answers within the timeout, false if none does.
   */
  private CompletableFuture<CompletableFuture<Boolean>> deliver(PrivateMessage pm) {
    Map<String, Object> payload = privatePayload(pm);
    return nsp.in(userRoom(pm.to())).fetchSockets().toCompletableFuture().thenApply(sockets -> {
      if (sockets.isEmpty()) {
        return CompletableFuture.completedFuture(false);
      }
      CompletableFuture<Boolean> any = new CompletableFuture<>();
      int[] pending = {sockets.size()};
      for (RemoteSocket s : sockets) {
        s.emitWithAck(timing.privateAckTimeout(), "chat:private", payload).whenComplete((acks, err) -> {
          synchronized (pending) {
            pending[0]--;
            if (err == null) {
              any.complete(true);
            } else if (pending[0] == 0) {
              any.complete(false);
            }
          }
        });
      }
      return any.thenCompose(ok -> ok ? chat.markDelivered(pm.id()).thenApply(x -> true)
          : CompletableFuture.completedFuture(false));
    });
  }

  private static Map<String, Object> privatePayload(PrivateMessage pm) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", pm.id());
    m.put("from", pm.from());
    m.put("to", pm.to());
    m.put("text", pm.text());
    m.put("ts", pm.ts());
    return m;
  }

  /** Sends the private messages that waited for {@code me} to this new socket; receipts go to their senders. */
  private void deliverPending(Socket socket, String me) {
    chat.undelivered(me).thenAccept(list -> {
      for (PrivateMessage pm : list) {
        socket.timeout(timing.privateAckTimeout()).emitWithAck("chat:private", privatePayload(pm))
            .thenCompose(acks -> chat.markDelivered(pm.id()))
            .thenAccept(changed -> {
              if (changed) {
                nsp.to(userRoom(pm.from())).emit("chat:receipt",
                    Map.of("id", pm.id(), "status", PrivateMessage.DELIVERED));
              }
            });
      }
    }).exceptionally(e -> {
      log.warn("cannot deliver pending messages of {}", me, e);
      return null;
    });
  }

  private CompletableFuture<ObjectNode> read(String me, Args args) {
    JsonNode id = object(args).path("id");
    if (!id.canConvertToLong()) {
      return CompletableFuture.failedFuture(new ChatException("Unknown message"));
    }
    return chat.markRead(id.asLong(), me).thenApply(changed -> {
      changed.ifPresent(pm -> nsp.to(userRoom(pm.from())).emit("chat:receipt",
          Map.of("id", pm.id(), "status", PrivateMessage.READ)));
      return ChatJson.ok().put("id", id.asLong()).put("changed", changed.isPresent());
    });
  }

  // --- token lifetime ---

  private CompletableFuture<ObjectNode> refresh(Connection c, Args args) {
    JsonNode body = object(args);
    String token = body.path("token").isTextual() ? body.get("token").asText() : args.string(0);
    Optional<TokenService.Claims> claims = chat.tokens().verify(token);
    if (claims.isEmpty() || !claims.get().username().equals(c.username)) {
      return CompletableFuture.failedFuture(new ChatException("Authentication failed"));
    }
    c.expiresAt.set(claims.get().expiresAt());
    scheduleExpiry(c);
    return CompletableFuture.completedFuture(ChatJson.ok().put("expiresAt", claims.get().expiresAt().toEpochMilli()));
  }

  private void scheduleExpiry(Connection c) {
    cancel(c);
    Instant expiresAt = c.expiresAt.get();
    long left = expiresAt.toEpochMilli() - clock.millis();
    long lead = Math.min(timing.authWarning().toMillis(), chat.tokens().lifetime().toMillis() / 2);
    c.warning.set(timer.schedule(() -> c.socket.emit("auth:expiring",
        Map.of("expiresAt", expiresAt.toEpochMilli())), Math.max(0, left - lead), TimeUnit.MILLISECONDS));
    c.expiry.set(timer.schedule(() -> {
      if (c.expiresAt.get().equals(expiresAt)) {
        c.socket.emit("auth:expired", Map.of("expiresAt", expiresAt.toEpochMilli()));
        c.socket.disconnect(true);
      }
    }, Math.max(0, left), TimeUnit.MILLISECONDS));
  }

  private static void cancel(Connection c) {
    ScheduledFuture<?> w = c.warning.getAndSet(null);
    if (w != null) {
      w.cancel(false);
    }
    ScheduledFuture<?> e = c.expiry.getAndSet(null);
    if (e != null) {
      e.cancel(false);
    }
  }

  // --- helpers ---

  private static JsonNode object(Args args) {
    return args.size() > 0 && args.node(0).isObject() ? args.node(0) : ChatJson.MAPPER.createObjectNode();
  }

  private static Object text(JsonNode body) {
    return body.path("text").isTextual() ? body.get("text").asText() : null;
  }

  private static void reply(Ack ack, CompletionStage<ObjectNode> work) {
    work.whenComplete((ok, err) -> {
      if (err == null) {
        ack.send(ok);
        return;
      }
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (cause instanceof ChatException) {
        ack.send(ChatJson.error(cause.getMessage()));
      } else {
        log.warn("request failed", cause);
        ack.send(ChatJson.error("Internal error"));
      }
    });
  }
}
