package io.switchboard.chat.presence;

import io.switchboard.chat.ChatTiming;
import io.switchboard.chat.InputRules;
import io.switchboard.server.Namespace;
import io.switchboard.server.Socket;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Who is online and who is in which room, cluster-wide, in O(1) work per change: this node counts its own connections
 * ({@link LocalPresence}), the nodes exchange their changes and heartbeats ({@link PresenceSync}) into one
 * {@link Roster}, and each node tells its own clients ({@link PresenceAnnouncer}). Also says "X joined #room" and
 * "X left #room" ({@code system:message}) when a user's first connection enters a room or their last one leaves it.
 *
 * <pre>{@code
 * Presence presence = new Presence(nsp, timer, Clock.systemUTC(), ChatTiming.DEFAULT, clustered);
 * presence.start();
 * // on connection:  presence.connected(socket, "alice");
 * // on room:join:   socket.join("general"); presence.joined("alice", "general");
 * // on disconnect:  presence.disconnected("alice", roomsItWasIn);
 * presence.online(); // {users: [...], count: n}, the body of GET /api/online
 * }</pre>
 *
 * <p>A closed connection counts for a grace period ({@link ChatTiming#presenceGrace()}), so reconnecting (with or
 * without connection state recovery) announces nothing; a server that just started takes joins as reconnections for
 * {@link ChatTiming#startupQuiet()}. A node that dies is removed after {@link ChatTiming#nodeTimeout()}.
 */
public final class Presence {
  private final Namespace nsp;
  private final Clock clock;
  private final ChatTiming timing;
  private final long startedAt;
  private final Roster roster = new Roster();
  private final PresenceSync sync;
  private final LocalPresence local;
  private final PresenceAnnouncer announcer;

  public Presence(Namespace nsp, ScheduledExecutorService timer, Clock clock, ChatTiming timing, boolean clustered) {
    this.nsp = nsp;
    this.clock = clock;
    this.timing = timing;
    this.startedAt = clock.millis();
    this.announcer = new PresenceAnnouncer(nsp, roster, timer, timing.presenceFlush(), timing.presenceFlushMax());
    this.sync = new PresenceSync(nsp, roster, timer, clock, timing.nodeHeartbeat(), timing.nodeTimeout(), clustered,
        this::changed);
    this.local = new LocalPresence(timer, timing.presenceGrace(), sync::local);
  }

  /** Whether {@code room} is a chat room (not a user's own room or one of the server's). */
  public static boolean isChatRoom(String room) {
    return InputRules.ROOM.matcher(room).matches();
  }

  /** Joins the cluster's presence (no-op on a single node). */
  public void start() {
    sync.start();
  }

  /** Tells the other nodes this one is leaving. */
  public void stop() {
    sync.stop();
  }

  /**
   * A connection of {@code user} is in the namespace. A recovered one is back in its rooms already: they count as
   * joined again (within the grace period, so silently).
   */
  public void connected(Socket socket, String user) {
    local.connected(user);
    if (socket.recovered()) {
      for (String room : socket.rooms()) {
        if (isChatRoom(room)) {
          local.joined(user, room);
        }
      }
    }
    announcer.welcome(socket);
  }

  /** A connection of {@code user} closed while in {@code rooms} (any rooms; the chat's are picked out). */
  public void disconnected(String user, Set<String> rooms) {
    local.disconnected(user, rooms.stream().filter(Presence::isChatRoom).collect(java.util.stream.Collectors.toSet()));
  }

  /** A connection of {@code user} joined {@code room}. */
  public void joined(String user, String room) {
    local.joined(user, room);
  }

  /** A connection of {@code user} left {@code room} on purpose. */
  public void left(String user, String room) {
    local.left(user, room);
  }

  /** The users in {@code room}, on any node, sorted. */
  public List<String> members(String room) {
    return roster.members(room);
  }

  /** Whether {@code user} is online on any node. */
  public boolean isOnline(String user) {
    return roster.isOnline(user);
  }

  /** Whether {@code user} has a connection on this node. */
  public boolean hasConnectionHere(String user) {
    return local.hasTabs(user);
  }

  /** {@code {users, count}}: everyone online, sorted, each once. */
  public Map<String, Object> online() {
    SortedSet<String> users = roster.online();
    return PresenceAnnouncer.snapshot(users);
  }

  /** This node's id in the cluster's presence. */
  public String nodeId() {
    return sync.self();
  }

  private void changed(List<Roster.RoomChange> rooms) {
    boolean quiet = clock.millis() - startedAt < timing.startupQuiet().toMillis();
    for (Roster.RoomChange c : rooms) {
      if (c.joined() && quiet) {
        continue;
      }
      nsp.local().to(c.room()).emit("system:message", Map.of("room", c.room(),
          "text", c.user() + (c.joined() ? " joined #" : " left #") + c.room(), "ts", clock.millis()));
    }
    announcer.changed();
  }
}
