package io.switchboard.chat;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Who is online: recomputed from the namespace's sockets (on every node of a cluster) whenever a connection opens or
 * closes, and announced as {@code user:online {users, count}} with each user once however many tabs they have.
 *
 * <pre>{@code
 * Presence presence = new Presence(() -> nsp.fetchSockets().thenApply(ChatSockets::usernames),
 *     payload -> nsp.emit("user:online", payload));
 * presence.changed(); // after a connect or a disconnect
 * }</pre>
 *
 * <p>Recomputations run one after another, so announcements come out in the order of the changes.
 */
public final class Presence {
  private final Supplier<CompletionStage<List<String>>> onlineUsers;
  private final Consumer<Map<String, Object>> announce;
  private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);

  public Presence(Supplier<CompletionStage<List<String>>> onlineUsers, Consumer<Map<String, Object>> announce) {
    this.onlineUsers = onlineUsers;
    this.announce = announce;
  }

  /** The {@code user:online} payload for these user names (sorted, each once). */
  public static Map<String, Object> payload(List<String> usernames) {
    List<String> users = List.copyOf(new TreeSet<>(usernames));
    return Map.of("users", users, "count", users.size());
  }

  /** Recomputes and announces presence after the recomputations already queued. */
  public synchronized CompletableFuture<Void> changed() {
    chain = chain.exceptionally(e -> null)
        .thenCompose(x -> onlineUsers.get())
        .thenAccept(users -> announce.accept(payload(users)));
    return chain;
  }
}
