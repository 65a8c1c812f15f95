package io.switchboard.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The count of open plain connections of one endpoint per user and per client address, and the caps on them.
 *
 * <pre>{@code
 * ClientCaps caps = new ClientCaps(5, 20, "event streams");
 * ClientCaps.Slot slot = caps.tryOpen("bob", "203.0.113.7");  // null: over a cap
 * slot.close();                                               // when the connection ends
 * }</pre>
 */
final class ClientCaps {
  private final int perUser;
  private final int perAddress;
  private final String noun;
  private final ConcurrentHashMap<String, Integer> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();

  /** @param noun what is counted, in the refusal's message ("event streams", "connections") */
  ClientCaps(int perUser, int perAddress, String noun) {
    this.perUser = perUser;
    this.perAddress = perAddress;
    this.noun = noun;
  }

  /** A place taken by one connection; closing it (once or more) gives it back. */
  final class Slot implements AutoCloseable {
    private final String user;
    private final String address;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Slot(String user, String address) {
      this.user = user;
      this.address = address;
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        if (user != null) {
          release(byUser, user);
        }
        release(byAddress, address);
      }
    }
  }

  /** Why {@link #tryOpen} refused, or {@code null} if it would not. */
  String refusal(String user) {
    return user != null && byUser.getOrDefault(user, 0) >= perUser ? "Too many " + noun + " for this user"
        : "Too many " + noun + " from this address";
  }

  /** Whether a connection of {@code user} (or {@code null}) from {@code address} would be refused now. */
  boolean full(String user, String address) {
    return user != null && byUser.getOrDefault(user, 0) >= perUser || byAddress.getOrDefault(address, 0) >= perAddress;
  }

  /** Takes a place for a connection of {@code user} (or anonymous: {@code null}) from {@code address}, or null. */
  Slot tryOpen(String user, String address) {
    if (user != null && !take(byUser, user, perUser)) {
      return null;
    }
    if (!take(byAddress, address, perAddress)) {
      if (user != null) {
        release(byUser, user);
      }
      return null;
    }
    return new Slot(user, address);
  }

  /** How many connections {@code user} holds open. */
  int open(String user) {
    return byUser.getOrDefault(user, 0);
  }

  private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int cap) {
    boolean[] taken = new boolean[1];
    counts.compute(key, (k, n) -> {
      int current = n == null ? 0 : n;
      if (current >= cap) {
        return n;
      }
      taken[0] = true;
      return current + 1;
    });
    return taken[0];
  }

  private static void release(ConcurrentHashMap<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
