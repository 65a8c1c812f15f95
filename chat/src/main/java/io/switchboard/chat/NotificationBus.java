package io.switchboard.chat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Hands each stored notification to the live listeners of its user (Server-Sent Events streams) and to global
 * listeners (the Socket.IO side), in this process.
 *
 * <pre>{@code
 * AutoCloseable sub = bus.subscribe("bob", n -> stream.send(n));
 * bus.publish("bob", notification);
 * sub.close();
 * }</pre>
 */
public final class NotificationBus {
  private final ConcurrentHashMap<String, Set<Consumer<Notification>>> byUser = new ConcurrentHashMap<>();
  private final Set<BiConsumer<String, Notification>> everyone = new CopyOnWriteArraySet<>();

  /** Calls {@code listener} with every notification published for {@code username} until the result is closed. */
  public AutoCloseable subscribe(String username, Consumer<Notification> listener) {
    byUser.computeIfAbsent(username, k -> new CopyOnWriteArraySet<>()).add(listener);
    return () -> byUser.computeIfPresent(username, (k, set) -> {
      set.remove(listener);
      return set.isEmpty() ? null : set;
    });
  }

  /** Calls {@code listener} with every notification published for anyone. */
  public void subscribeAll(BiConsumer<String, Notification> listener) {
    everyone.add(listener);
  }

  /** Delivers {@code notification} (already stored) to the listeners of {@code username} and the global ones. */
  public void publish(String username, Notification notification) {
    publishToUser(username, notification);
    everyone.forEach(l -> l.accept(username, notification));
  }

  /**
   * Delivers {@code notification} to the listeners of {@code username} only: for a notification another node of
   * the cluster published, whose global listeners already ran there.
   */
  public void publishToUser(String username, Notification notification) {
    Set<Consumer<Notification>> set = byUser.get(username);
    if (set != null) {
      set.forEach(l -> l.accept(notification));
    }
  }
}
