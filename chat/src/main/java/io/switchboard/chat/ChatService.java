package io.switchboard.chat;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The chat's rules over its database: sign-in, rooms and history, messages with mention notifications, private
 * messages and their delivery status. Every method returns at once; the work runs on the database executor.
 *
 * <pre>{@code
 * ChatService chat = new ChatService(db, new PasswordHasher(10), tokens, bus, Clock.systemUTC());
 * String token = chat.login("alice", "secret").join();
 * ChatMessage m = chat.postMessage("general", "alice", "hi @bob").join(); // bob gets a "mention" notification
 * }</pre>
 */
public final class ChatService {
  /** How many messages {@code room:join} returns. */
  public static final int JOIN_HISTORY = 50;
  /** The most messages one history page returns. */
  public static final int MAX_PAGE = 100;
  /** The SQL state of a unique-constraint violation (H2 and PostgreSQL). */
  private static final String UNIQUE_VIOLATION = "23505";

  private final Database db;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final NotificationBus bus;
  private final Clock clock;
  private final UserStore users = new UserStore();
  private final RoomStore rooms = new RoomStore();
  private final MessageStore messages = new MessageStore();
  private final PrivateMessageStore privates = new PrivateMessageStore();
  private final NotificationStore notifications = new NotificationStore();

  public ChatService(Database db, PasswordHasher hasher, TokenService tokens, NotificationBus bus, Clock clock) {
    this.db = db;
    this.hasher = hasher;
    this.tokens = tokens;
    this.bus = bus;
    this.clock = clock;
  }

  /** The token service that signs this chat's tokens. */
  public TokenService tokens() {
    return tokens;
  }

  /** The bus on which stored notifications are published. */
  public NotificationBus bus() {
    return bus;
  }

  /**
   * Signs in, registering the user on the first login of a new name; completes with a token, or fails with a
   * {@link ChatException} for bad input or a wrong password.
   */
  public CompletableFuture<String> login(Object username, Object password) {
    Optional<String> bad = InputRules.checkUsername(username).or(() -> InputRules.checkPassword(password));
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    String name = (String) username;
    String pass = (String) password;
    return db.read(c -> users.find(c, name)).thenCompose(found -> {
      if (found.isPresent()) {
        return CompletableFuture.completedFuture(found.get());
      }
      // hash outside the transaction (slow on purpose), then insert; a concurrent first login loses the race cleanly
      return db.transaction(c -> {
        String hash = hasher.hash(pass);
        try {
          return users.create(c, name, hash, clock.millis());
        } catch (SQLException duplicate) {
          c.rollback();
          return users.find(c, name).orElseThrow(() -> duplicate);
        }
      });
    }).thenApplyAsync(user -> {
      if (!hasher.verify(pass, user.passwordHash())) {
        throw new ChatException("Invalid username or password");
      }
      return tokens.issue(user.username());
    }, db.executor()).exceptionallyCompose(ChatService::unwrap);
  }

  /** Every room with its message count. */
  public CompletableFuture<List<Room>> rooms() {
    return db.read(rooms::list);
  }

  /** Creates {@code room} unless it exists. */
  public CompletableFuture<Void> ensureRoom(String room) {
    Optional<String> bad = InputRules.checkRoom(room);
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    // most joins are to a room that exists: only a new room waits for a durable commit
    return db.read(c -> rooms.exists(c, room)).thenCompose(exists -> exists ? CompletableFuture.<Void>completedFuture(null)
        : db.transaction(c -> {
          rooms.ensure(c, room, clock.millis());
          return null;
        }));
  }

  /** Up to {@code limit} (1..100) messages of {@code room} below id {@code before} (null: the latest), oldest first. */
  public CompletableFuture<List<ChatMessage>> history(Object room, Long before, int limit) {
    Optional<String> bad = InputRules.checkRoom(room);
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    int n = Math.max(1, Math.min(MAX_PAGE, limit));
    return db.read(c -> messages.page(c, (String) room, before, n));
  }

  /**
   * Stores a room message and, in the same transaction, a "mention" notification for each registered user it
   * mentions (except the author); publishes the notifications once committed.
   */
  public CompletableFuture<ChatMessage> postMessage(Object room, String from, Object text) {
    return postMessage(room, from, text, null).thenApply(Stored::message);
  }

  /**
   * {@link #postMessage(Object, String, Object)} with the sender's own id for the message (or null): if {@code from}
   * already sent one with this id, that one is the answer ({@link Stored#duplicate()}) and nothing is stored or
   * notified again. Completes once the message is on disk.
   */
  public CompletableFuture<Stored<ChatMessage>> postMessage(Object room, String from, Object text, Object clientId) {
    Optional<String> bad = InputRules.checkRoom(room).or(() -> InputRules.checkText(text))
        .or(() -> InputRules.checkClientId(clientId));
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    String r = (String) room;
    String t = (String) text;
    String id = (String) clientId;
    record Posted(Stored<ChatMessage> stored, List<String> users, List<Notification> notes) {}
    return db.transaction(c -> {
      if (id != null) {
        Optional<ChatMessage> earlier = messages.findByClientId(c, from, id);
        if (earlier.isPresent()) {
          return new Posted(new Stored<>(earlier.get(), true), List.of(), List.of());
        }
      }
      long now = clock.millis();
      ChatMessage m;
      try {
        m = messages.append(c, r, from, t, now, id);
      } catch (SQLException e) {
        if (id == null || !UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        c.rollback(); // the same id from another connection of the sender, just now
        return new Posted(new Stored<>(messages.findByClientId(c, from, id).orElseThrow(() -> e), true), List.of(),
            List.of());
      }
      List<String> who = new ArrayList<>();
      List<Notification> notes = new ArrayList<>();
      for (String mentioned : InputRules.mentions(t)) {
        if (!mentioned.equals(from) && users.exists(c, mentioned)) {
          who.add(mentioned);
          notes.add(notifications.add(c, mentioned, Notification.MENTION, from + " mentioned you in #" + r,
              excerpt(t), "/#room/" + r, now));
        }
      }
      return new Posted(new Stored<>(m, false), who, notes);
    }).thenApply(p -> {
      for (int i = 0; i < p.users().size(); i++) {
        bus.publish(p.users().get(i), p.notes().get(i));
      }
      return p.stored();
    });
  }

  /** Stores a private message (status {@code sent}); fails for bad text, a message to oneself or an unknown user. */
  public CompletableFuture<PrivateMessage> postPrivate(String from, Object to, Object text) {
    return postPrivate(from, to, text, null).thenApply(Stored::message);
  }

  /**
   * {@link #postPrivate(String, Object, Object)} with the sender's own id for the message (or null): if {@code from}
   * already sent one with this id, that one (with its current status) is the answer and nothing is stored again.
   */
  public CompletableFuture<Stored<PrivateMessage>> postPrivate(String from, Object to, Object text, Object clientId) {
    Optional<String> bad = InputRules.checkText(text).or(() -> InputRules.checkClientId(clientId));
    if (bad.isEmpty() && !(to instanceof String)) {
      bad = Optional.of("Unknown recipient");
    }
    if (bad.isEmpty() && to.equals(from)) {
      bad = Optional.of("Cannot send a private message to yourself");
    }
    if (bad.isPresent()) {
      return CompletableFuture.failedFuture(new ChatException(bad.get()));
    }
    String recipient = (String) to;
    String id = (String) clientId;
    return db.transaction(c -> {
      if (id != null) {
        Optional<PrivateMessage> earlier = privates.findByClientId(c, from, id);
        if (earlier.isPresent()) {
          return new Stored<>(earlier.get(), true);
        }
      }
      if (!users.exists(c, recipient)) {
        throw new ChatException("Unknown recipient: " + recipient);
      }
      try {
        return new Stored<>(privates.append(c, from, recipient, (String) text, clock.millis(), id), false);
      } catch (SQLException e) {
        if (id == null || !UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        c.rollback();
        return new Stored<>(privates.findByClientId(c, from, id).orElseThrow(() -> e), true);
      }
    }).exceptionallyCompose(ChatService::unwrap);
  }

  /** Marks a private message delivered; completes true if this call changed its status. */
  public CompletableFuture<Boolean> markDelivered(long id) {
    return db.transaction(c -> privates.markDelivered(c, id, clock.millis()));
  }

  /** Marks a private message read by {@code reader}; completes with it if this call changed its status. */
  public CompletableFuture<Optional<PrivateMessage>> markRead(long id, String reader) {
    return db.transaction(c -> privates.markRead(c, id, reader, clock.millis()));
  }

  /** Private messages to {@code recipient} that none of their devices has acknowledged yet, oldest first. */
  public CompletableFuture<List<PrivateMessage>> undelivered(String recipient) {
    return db.read(c -> privates.undelivered(c, recipient));
  }

  /** The latest {@code limit} private messages between two users, oldest first. */
  public CompletableFuture<List<PrivateMessage>> conversation(String a, String b, int limit) {
    int n = Math.max(1, Math.min(MAX_PAGE, limit));
    return db.read(c -> privates.conversation(c, a, b, n));
  }

  /** The users {@code user} has exchanged private messages with. */
  public CompletableFuture<List<String>> partners(String user) {
    return db.read(c -> privates.partners(c, user));
  }

  /** Stores and publishes a "private" notification: {@code pm} reached none of its recipient's devices. */
  public CompletableFuture<Notification> notifyOffline(PrivateMessage pm) {
    return db.transaction(c -> notifications.add(c, pm.to(), Notification.PRIVATE,
        "Private message from " + pm.from(), excerpt(pm.text()), "/#dm/" + pm.from(), clock.millis()))
        .thenApply(n -> {
          bus.publish(pm.to(), n);
          return n;
        });
  }

  /** The latest {@code limit} notifications of {@code username}, newest first. */
  public CompletableFuture<List<Notification>> notifications(String username, int limit) {
    int n = Math.max(1, Math.min(MAX_PAGE, limit));
    return db.read(c -> notifications.latest(c, username, n));
  }

  /** Notifications of {@code username} with an id above {@code afterId}, oldest first, at most {@code limit}. */
  public CompletableFuture<List<Notification>> notificationsAfter(String username, long afterId, int limit) {
    return db.read(c -> notifications.after(c, username, afterId, limit));
  }

  /**
   * What a stream that saw {@code lastSeenId} last has missed: the notifications of {@code username} after it, oldest
   * first, at most {@code limit}; empty (not an empty list) when {@code lastSeenId} is above their newest notification
   * id, so is no id they can have seen.
   */
  public CompletableFuture<Optional<List<Notification>>> missedNotifications(String username, long lastSeenId,
      int limit) {
    return db.read(c -> lastSeenId > notifications.newestId(c, username) ? Optional.empty()
        : Optional.of(notifications.after(c, username, lastSeenId, limit)));
  }

  /** Whether the database answers. */
  public CompletableFuture<Boolean> healthy() {
    return db.read(c -> c.isValid(2));
  }

  private static String excerpt(String text) {
    return text.length() <= 140 ? text : text.substring(0, 139) + "…";
  }

  private static <T> CompletableFuture<T> unwrap(Throwable t) {
    Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return CompletableFuture.failedFuture(cause);
  }
}
