package io.switchboard.chat.presence;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.server.Args;
import io.switchboard.server.Namespace;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link Roster} the same on every node of a cluster with a few server-side events (through the cluster
 * adapter, so over Redis with {@code --redis}), never by fetching the sockets of every node:
 *
 * <ul>
 *   <li>{@code presence:delta [node, seq, op, user, room]}: one change of a node, numbered; sent as it happens;
 *   <li>{@code presence:beat [node, seq]}: every heartbeat interval, with the number of the node's last change;
 *   <li>{@code presence:want [node]}: "send your whole state", when a receiver missed a change (a gap in the numbers,
 *       or a heartbeat ahead of what it has) or hears of a node for the first time;
 *   <li>{@code presence:state [node, seq, {user: [rooms]}]}: a node's whole state, the answer to {@code want} and
 *       {@code hello};
 *   <li>{@code presence:hello [node]} when a node starts, {@code presence:bye [node]} when it stops.
 * </ul>
 *
 * <p>A node not heard from for the node timeout is taken as dead: it is removed from the roster (its users leave);
 * if it speaks again (it was cut off, not dead) it joins again with its whole state. A node that said goodbye is
 * never taken back (a restarted server is a new node with a new id). Received events may be handled out of order
 * (the library hands server-side events to its handler executor), so deltas are applied by number: early ones wait in
 * a small buffer for the missing ones, and a gap that a heartbeat does not close asks for the whole state.
 *
 * <pre>{@code
 * PresenceSync sync = new PresenceSync(nsp, roster, timer, Clock.systemUTC(), timing, true, changes -> announce(changes));
 * sync.start();
 * sync.local(Roster.Change.online("alice")); // applied here, then sent to the other nodes
 * }</pre>
 */
final class PresenceSync {
  private static final Logger log = LoggerFactory.getLogger(PresenceSync.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Deltas kept while waiting for a missing one, per node; beyond this the whole state is asked for. */
  private static final int MAX_BUFFERED = 10_000;

  private final Namespace nsp;
  private final Roster roster;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final Duration heartbeat;
  private final Duration timeout;
  private final boolean clustered;
  private final Consumer<List<Roster.RoomChange>> changed;
  private final String self = newId();
  private final Map<String, Remote> remotes = new HashMap<>();
  private final Set<String> gone = new LinkedHashSet<>();
  private long seq;

  /** What this node knows of another one. */
  private static final class Remote {
    long seq;
    long lastHeard;
    long wantedAt;
    long promised;
    boolean synced;
    final TreeMap<Long, Roster.Change> early = new TreeMap<>();
  }

  /**
   * @param clustered whether other nodes may exist (a cluster adapter); if not, changes are only applied here
   * @param changed   told of every change of the roster (with the rooms entered or left cluster-wide, maybe none),
   *                  under no lock of this class
   */
  PresenceSync(Namespace nsp, Roster roster, ScheduledExecutorService timer, Clock clock, Duration heartbeat,
      Duration timeout, boolean clustered, Consumer<List<Roster.RoomChange>> changed) {
    this.nsp = nsp;
    this.roster = roster;
    this.timer = timer;
    this.clock = clock;
    this.heartbeat = heartbeat;
    this.timeout = timeout;
    this.clustered = clustered;
    this.changed = changed;
  }

  /** This node's id in the presence protocol. */
  String self() {
    return self;
  }

  /** Installs the handlers, says hello, and starts the heartbeats. */
  void start() {
    if (!clustered) {
      return;
    }
    nsp.onServerSideEmit("presence:delta", (args, ack) -> onDelta(args));
    nsp.onServerSideEmit("presence:beat", (args, ack) -> onBeat(args.string(0), args.node(1).asLong()));
    nsp.onServerSideEmit("presence:want", (args, ack) -> {
      if (self.equals(args.string(0))) {
        sendState();
      }
    });
    nsp.onServerSideEmit("presence:state", (args, ack) -> onState(args));
    nsp.onServerSideEmit("presence:hello", (args, ack) -> {
      synchronized (this) {
        Remote r = heard(args.string(0));
        if (r != null && r.seq == 0 && r.early.isEmpty()) {
          r.synced = true; // a node says hello before it has anyone
        }
      }
      sendState();
    });
    nsp.onServerSideEmit("presence:bye", (args, ack) -> nodeGone(args.string(0), "it shut down", true));
    nsp.serverSideEmit("presence:hello", self);
    long ms = heartbeat.toMillis();
    timer.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Tells the other nodes this one is leaving, so that its users leave at once rather than after the timeout. */
  void stop() {
    if (clustered) {
      nsp.serverSideEmit("presence:bye", self);
    }
  }

  /** Applies a change of this node and sends it to the others. */
  void local(Roster.Change c) {
    List<Roster.RoomChange> out = new ArrayList<>(1);
    synchronized (this) {
      roster.apply(self, c, out);
      seq++;
      if (clustered) {
        nsp.serverSideEmit("presence:delta", self, seq, c.op().name(), c.user(), c.room());
      }
    }
    changed.accept(out);
  }

  // ---- receiving ----

  private void onDelta(Args args) {
    String node = args.string(0);
    long n = args.node(1).asLong();
    Roster.Change c;
    try {
      c = new Roster.Change(Roster.Change.Op.valueOf(args.string(2)), args.string(3), args.string(4));
    } catch (IllegalArgumentException | NullPointerException e) {
      log.debug("ignoring a malformed presence delta from {}", node);
      return;
    }
    List<Roster.RoomChange> out = new ArrayList<>();
    synchronized (this) {
      Remote r = heard(node);
      if (r == null || n <= r.seq) {
        return;
      }
      r.early.put(n, c);
      if (r.early.size() > MAX_BUFFERED) {
        r.early.clear();
        want(node, r, true);
        return;
      }
      drain(node, r, out);
    }
    changed.accept(out);
  }

  private void onBeat(String node, long n) {
    synchronized (this) {
      Remote r = heard(node);
      if (r == null) {
        return;
      }
      // a change the previous heartbeat announced has still not arrived: it was lost, ask for everything
      if (!r.synced || (r.promised > 0 && r.seq < r.promised)) {
        want(node, r, false);
      }
      r.promised = n > r.seq ? n : 0;
    }
  }

  private void onState(Args args) {
    String node = args.string(0);
    if (self.equals(node)) {
      return;
    }
    long n = args.node(1).asLong();
    Map<String, Set<String>> state = new HashMap<>();
    JsonNode users = args.node(2);
    users.fields().forEachRemaining(e -> {
      Set<String> rooms = new java.util.HashSet<>();
      e.getValue().forEach(room -> rooms.add(room.asText()));
      state.put(e.getKey(), rooms);
    });
    List<Roster.RoomChange> out = new ArrayList<>();
    synchronized (this) {
      Remote r = heard(node);
      if (r == null || (r.synced && n <= r.seq)) {
        return;
      }
      roster.replace(node, state, out);
      r.seq = n;
      r.synced = true;
      r.early.headMap(n, true).clear();
      drain(node, r, out);
    }
    changed.accept(out);
  }

  /** Applies the buffered deltas of {@code node} that follow its last applied one. */
  private void drain(String node, Remote r, List<Roster.RoomChange> out) {
    if (!r.synced) {
      want(node, r, false);
      return;
    }
    Roster.Change next;
    while ((next = r.early.remove(r.seq + 1)) != null) {
      roster.apply(node, next, out);
      r.seq++;
    }
  }

  /** Records that {@code node} spoke; null for a node taken as gone. */
  private synchronized Remote heard(String node) {
    if (node == null || node.equals(self) || gone.contains(node)) {
      return null;
    }
    Remote r = remotes.get(node);
    if (r == null) {
      r = new Remote();
      remotes.put(node, r);
      log.info("cluster node {} joined (this node is {})", node, self);
    }
    r.lastHeard = clock.millis();
    return r;
  }

  /** Asks {@code node} for its whole state, at most once per heartbeat unless {@code now}. */
  private void want(String node, Remote r, boolean now) {
    long t = clock.millis();
    if (now || t - r.wantedAt >= heartbeat.toMillis()) {
      r.wantedAt = t;
      nsp.serverSideEmit("presence:want", node);
    }
  }

  private void sendState() {
    synchronized (this) {
      nsp.serverSideEmit("presence:state", self, seq, roster.stateOf(self));
    }
  }

  /**
   * Removes a node and its users. One that said goodbye is never taken back (a late message of it, handled after the
   * goodbye, must not bring it back); one that fell silent is, when it speaks again (Redis was away, say): it is then
   * asked for its whole state like a new node.
   */
  private void nodeGone(String node, String why, boolean forever) {
    List<Roster.RoomChange> out = new ArrayList<>();
    synchronized (this) {
      if (node == null || node.equals(self)) {
        return;
      }
      if (forever) {
        gone.add(node);
        if (gone.size() > 1000) {
          gone.remove(gone.iterator().next());
        }
      }
      if (remotes.remove(node) == null) {
        return;
      }
      roster.remove(node, out);
      log.info("cluster node {} left ({}); its users are offline", node, why);
    }
    changed.accept(out);
  }

  private void tick() {
    try {
      long seqNow;
      synchronized (this) {
        seqNow = seq;
      }
      nsp.serverSideEmit("presence:beat", self, seqNow);
      long now = clock.millis();
      List<String> dead = new ArrayList<>();
      synchronized (this) {
        remotes.forEach((node, r) -> {
          if (now - r.lastHeard > timeout.toMillis()) {
            dead.add(node);
          }
        });
      }
      for (String node : dead) {
        nodeGone(node, "no heartbeat for " + timeout.toMillis() + " ms", false);
      }
    } catch (RuntimeException e) {
      log.warn("presence heartbeat failed: {}", e.toString());
    }
  }

  private static String newId() {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
