package io.switchboard.chat.presence;

import io.switchboard.server.Namespace;
import io.switchboard.server.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells this node's clients who is online, in few events: a new connection gets the whole list once,
 * {@code user:online {users, count}}, and then only changes, {@code user:joined {username}} and
 * {@code user:left {username}}. Changes are gathered for an interval and sent together; when more than
 * {@value #MAX_DELTAS} came in one interval, the clients get one fresh {@code user:online} instead (replace the list).
 * While changes keep coming the interval doubles, up to a maximum, so that a storm of N connections costs each client
 * a few events, not N: O(N) events in all rather than O(N²).
 *
 * <pre>{@code
 * PresenceAnnouncer announcer = new PresenceAnnouncer(nsp, roster, timer, Duration.ofMillis(250), Duration.ofSeconds(4));
 * announcer.welcome(socket); // its user:online comes with the next round
 * announcer.changed();       // the roster changed: a round is due
 * }</pre>
 *
 * <p>Each round compares the roster with what the previous round announced; a new connection waits (in the room
 * {@value #NEW}) for the next round, which gives it the list the others' changes are counted from, so nobody's view
 * drifts. Only this node's sockets are addressed ({@code local()}): every node announces its own clients, from the
 * same roster, which is what makes a dead node's users leave everywhere.
 */
final class PresenceAnnouncer {
  private static final Logger log = LoggerFactory.getLogger(PresenceAnnouncer.class);
  /** The most change events one round sends; more become one {@code user:online}. */
  static final int MAX_DELTAS = 5;
  /** The room of connections that have not had their {@code user:online} yet. */
  static final String NEW = "presence:new";

  private final Namespace nsp;
  private final Roster roster;
  private final ScheduledExecutorService timer;
  private final long baseMillis;
  private final long maxMillis;
  private final Queue<Socket> fresh = new ConcurrentLinkedQueue<>();
  private Set<String> announced = Set.of();
  private long intervalMillis;
  private boolean scheduled;

  PresenceAnnouncer(Namespace nsp, Roster roster, ScheduledExecutorService timer, Duration interval,
      Duration maxInterval) {
    this.nsp = nsp;
    this.roster = roster;
    this.timer = timer;
    this.baseMillis = interval.toMillis();
    this.maxMillis = maxInterval.toMillis();
    this.intervalMillis = baseMillis;
  }

  /** The {@code user:online} payload for these users. */
  static Map<String, Object> snapshot(SortedSet<String> users) {
    return Map.of("users", List.copyOf(users), "count", users.size());
  }

  /** A new connection: it gets the list with the next round, and no change before that. */
  void welcome(Socket socket) {
    socket.join(NEW);
    fresh.add(socket);
    changed();
  }

  /** The roster changed: schedules a round unless one is due. */
  synchronized void changed() {
    if (!scheduled) {
      scheduled = true;
      timer.schedule(this::round, intervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void round() {
    try {
      roundNow();
    } catch (RuntimeException e) {
      log.warn("presence round failed: {}", e.toString());
      synchronized (this) {
        scheduled = false;
      }
    }
  }

  private void roundNow() {
    synchronized (this) {
      scheduled = false;
    }
    List<Socket> newcomers = new ArrayList<>();
    for (Socket s; (s = fresh.poll()) != null; ) {
      newcomers.add(s);
    }
    SortedSet<String> now = roster.online();
    List<String> joined = new ArrayList<>();
    for (String u : now) {
      if (!announced.contains(u)) {
        joined.add(u);
      }
    }
    List<String> left = new ArrayList<>();
    for (String u : new TreeSet<>(announced)) {
      if (!now.contains(u)) {
        left.add(u);
      }
    }
    int changes = joined.size() + left.size();
    if (changes > MAX_DELTAS) {
      nsp.local().except(NEW).emit("user:online", snapshot(now));
    } else {
      for (String u : joined) {
        nsp.local().except(NEW).emit("user:joined", Map.of("username", u));
      }
      for (String u : left) {
        nsp.local().except(NEW).emit("user:left", Map.of("username", u));
      }
    }
    if (!newcomers.isEmpty()) {
      // one encoding for all; one that came after the poll gets it too, and again next round: harmless
      nsp.local().to(NEW).emit("user:online", snapshot(now));
      for (Socket s : newcomers) {
        s.leave(NEW);
      }
    }
    announced = new HashSet<>(now);
    synchronized (this) {
      intervalMillis = changes > 1 ? Math.min(maxMillis, intervalMillis * 2) : baseMillis;
    }
    if (changes > 0) {
      changed(); // one more round: either the storm goes on, or it finds nothing and the interval resets
    }
  }
}
