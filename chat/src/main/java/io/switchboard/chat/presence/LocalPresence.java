package io.switchboard.chat.presence;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * This node's connections counted per user and per (user, room), turned into node-level {@link Roster.Change}s: a
 * user comes online with their first tab here and goes offline with the last one; likewise for rooms. A change
 * caused by a closed connection waits for a grace period, and a reconnection within it (the same user, and the same
 * rooms) cancels it, so a reload or a network blip announces nothing. Leaving a room on purpose is at once.
 *
 * <pre>{@code
 * LocalPresence local = new LocalPresence(timer, Duration.ofSeconds(5), change -> sync.local(change));
 * local.connected("alice");                 // ONLINE alice (her first tab here)
 * local.joined("alice", "general");         // JOIN alice general
 * local.disconnected("alice", Set.of("general"));
 * local.connected("alice");                 // within 5 s: nothing at all
 * }</pre>
 */
final class LocalPresence {
  private final ScheduledExecutorService timer;
  private final long graceMillis;
  private final Consumer<Roster.Change> out;
  private final Map<String, Integer> tabs = new HashMap<>();
  private final Map<String, Map<String, Integer>> roomTabs = new HashMap<>();
  private final Map<String, Pending> pending = new HashMap<>();

  /** What a user's closed connections left to announce once the grace period is over. */
  private static final class Pending {
    boolean offline;
    final Set<String> rooms = new HashSet<>();
    ScheduledFuture<?> task;
  }

  LocalPresence(ScheduledExecutorService timer, Duration grace, Consumer<Roster.Change> out) {
    this.timer = timer;
    this.graceMillis = grace.toMillis();
    this.out = out;
  }

  /** A connection of {@code user} opened here. */
  synchronized void connected(String user) {
    if (tabs.merge(user, 1, Integer::sum) == 1) {
      Pending p = pending.get(user);
      if (p != null && p.offline) {
        p.offline = false; // back within the grace: the others never saw them go
        settle(user, p);
      } else {
        out.accept(Roster.Change.online(user));
      }
    }
  }

  /** A connection of {@code user} joined {@code room} here. */
  synchronized void joined(String user, String room) {
    if (roomTabs.computeIfAbsent(user, k -> new HashMap<>()).merge(room, 1, Integer::sum) == 1) {
      Pending p = pending.get(user);
      if (p != null && p.rooms.remove(room)) {
        settle(user, p);
      } else {
        out.accept(Roster.Change.join(user, room));
      }
    }
  }

  /** A connection of {@code user} left {@code room} on purpose: announced at once if it was their last here. */
  synchronized void left(String user, String room) {
    if (decrement(user, room)) {
      out.accept(Roster.Change.leave(user, room));
    }
  }

  /** A connection of {@code user} closed while in {@code rooms}: announced after the grace period. */
  synchronized void disconnected(String user, Set<String> rooms) {
    Pending p = pending.computeIfAbsent(user, k -> new Pending());
    for (String room : rooms) {
      if (decrement(user, room)) {
        p.rooms.add(room);
      }
    }
    Integer n = tabs.get(user);
    if (n != null && n <= 1) {
      tabs.remove(user);
      p.offline = true;
    } else if (n != null) {
      tabs.put(user, n - 1);
    }
    if (p.rooms.isEmpty() && !p.offline) {
      settle(user, p);
    } else if (p.task == null) {
      p.task = timer.schedule(() -> expire(user), graceMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether {@code user} has a connection here. */
  synchronized boolean hasTabs(String user) {
    return tabs.containsKey(user);
  }

  private boolean decrement(String user, String room) {
    Map<String, Integer> rooms = roomTabs.get(user);
    Integer n = rooms == null ? null : rooms.get(room);
    if (n == null) {
      return false;
    }
    if (n > 1) {
      rooms.put(room, n - 1);
      return false;
    }
    rooms.remove(room);
    if (rooms.isEmpty()) {
      roomTabs.remove(user);
    }
    return true;
  }

  /** Drops the pending entry once there is nothing left in it. */
  private void settle(String user, Pending p) {
    if (p.rooms.isEmpty() && !p.offline) {
      pending.remove(user, p);
      if (p.task != null) {
        p.task.cancel(false);
      }
    }
  }

  private synchronized void expire(String user) {
    Pending p = pending.remove(user);
    if (p == null) {
      return;
    }
    for (String room : p.rooms) {
      out.accept(Roster.Change.leave(user, room));
    }
    if (p.offline && !tabs.containsKey(user)) {
      out.accept(Roster.Change.offline(user));
    }
  }
}
