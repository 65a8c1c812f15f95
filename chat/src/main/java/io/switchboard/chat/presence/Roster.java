package io.switchboard.chat.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Who is online and in which rooms, cluster-wide, kept per node: each node's users and, for each user, the rooms they
 * are in on that node. A user is online while any node has them, and in a room while any node has them there.
 * Nothing is ever recounted from the sockets: nodes report their changes ({@link Change}), a dead node is removed
 * whole.
 *
 * <pre>{@code
 * Roster roster = new Roster();
 * List<Roster.RoomChange> out = new ArrayList<>();
 * roster.apply("node-a", Change.online("alice"), out);
 * roster.apply("node-a", Change.join("alice", "general"), out); // out: alice joined #general
 * roster.online();              // [alice]
 * roster.remove("node-a", out); // out: alice left #general; roster.online() is empty
 * }</pre>
 *
 * <p>Thread-safe; every method is O(1) or O(what it returns), except {@link #online()} (a sorted copy).
 */
public final class Roster {
  /** One change of one node's state. */
  public record Change(Op op, String user, String room) {
    /** The kinds of changes. */
    public enum Op { ONLINE, OFFLINE, JOIN, LEAVE }

    public static Change online(String user) {
      return new Change(Op.ONLINE, user, null);
    }

    public static Change offline(String user) {
      return new Change(Op.OFFLINE, user, null);
    }

    public static Change join(String user, String room) {
      return new Change(Op.JOIN, user, room);
    }

    public static Change leave(String user, String room) {
      return new Change(Op.LEAVE, user, room);
    }
  }

  /** A user who came into a room, or left it, cluster-wide (no node had them there, or none has any more). */
  public record RoomChange(String room, String user, boolean joined) {}

  private final Map<String, Map<String, Set<String>>> nodes = new HashMap<>();
  private final Map<String, Integer> userNodes = new HashMap<>();
  private final Map<String, Map<String, Integer>> roomNodes = new HashMap<>();

  /** Applies one change reported by {@code node}; rooms entered or left cluster-wide are added to {@code out}. */
  public synchronized void apply(String node, Change c, List<RoomChange> out) {
    Map<String, Set<String>> users = nodes.computeIfAbsent(node, k -> new HashMap<>());
    switch (c.op()) {
      case ONLINE -> online(users, c.user());
      case OFFLINE -> offline(users, c.user(), out);
      case JOIN -> {
        if (online(users, c.user()).add(c.room())) {
          enter(c.room(), c.user(), out);
        }
      }
      case LEAVE -> {
        Set<String> rooms = users.get(c.user());
        if (rooms != null && rooms.remove(c.room())) {
          exit(c.room(), c.user(), out);
        }
      }
    }
  }

  /** Replaces everything known of {@code node} by its full state (user to rooms), applying the difference. */
  public synchronized void replace(String node, Map<String, ? extends Set<String>> state, List<RoomChange> out) {
    Map<String, Set<String>> users = nodes.computeIfAbsent(node, k -> new HashMap<>());
    for (String user : List.copyOf(users.keySet())) {
      if (!state.containsKey(user)) {
        offline(users, user, out);
      }
    }
    state.forEach((user, rooms) -> {
      Set<String> have = online(users, user);
      for (String room : List.copyOf(have)) {
        if (!rooms.contains(room)) {
          have.remove(room);
          exit(room, user, out);
        }
      }
      for (String room : rooms) {
        if (have.add(room)) {
          enter(room, user, out);
        }
      }
    });
  }

  /** Forgets {@code node} and everyone on it (it died or shut down). */
  public synchronized void remove(String node, List<RoomChange> out) {
    Map<String, Set<String>> users = nodes.remove(node);
    if (users != null) {
      for (String user : List.copyOf(users.keySet())) {
        offline(users, user, out);
      }
    }
  }

  /** The full state of one node: user to rooms (copies). */
  public synchronized Map<String, Set<String>> stateOf(String node) {
    Map<String, Set<String>> out = new HashMap<>();
    nodes.getOrDefault(node, Map.of()).forEach((u, rooms) -> out.put(u, new HashSet<>(rooms)));
    return out;
  }

  /** The users online somewhere, sorted. */
  public synchronized SortedSet<String> online() {
    return new TreeSet<>(userNodes.keySet());
  }

  /** How many users are online. */
  public synchronized int count() {
    return userNodes.size();
  }

  public synchronized boolean isOnline(String user) {
    return userNodes.containsKey(user);
  }

  /** The users in {@code room} on some node, sorted. */
  public synchronized List<String> members(String room) {
    return new ArrayList<>(new TreeSet<>(roomNodes.getOrDefault(room, Map.of()).keySet()));
  }

  public synchronized boolean inRoom(String user, String room) {
    return roomNodes.getOrDefault(room, Map.of()).containsKey(user);
  }

  /** The nodes that reported anything and were not removed. */
  public synchronized Set<String> nodes() {
    return Set.copyOf(nodes.keySet());
  }

  private Set<String> online(Map<String, Set<String>> users, String user) {
    Set<String> rooms = users.get(user);
    if (rooms == null) {
      rooms = new HashSet<>();
      users.put(user, rooms);
      userNodes.merge(user, 1, Integer::sum);
    }
    return rooms;
  }

  private void offline(Map<String, Set<String>> users, String user, List<RoomChange> out) {
    Set<String> rooms = users.remove(user);
    if (rooms == null) {
      return;
    }
    for (String room : rooms) {
      exit(room, user, out);
    }
    if (userNodes.merge(user, -1, Integer::sum) <= 0) {
      userNodes.remove(user);
    }
  }

  private void enter(String room, String user, List<RoomChange> out) {
    if (roomNodes.computeIfAbsent(room, k -> new HashMap<>()).merge(user, 1, Integer::sum) == 1) {
      out.add(new RoomChange(room, user, true));
    }
  }

  private void exit(String room, String user, List<RoomChange> out) {
    Map<String, Integer> members = roomNodes.get(room);
    if (members == null) {
      return;
    }
    if (members.merge(user, -1, Integer::sum) <= 0) {
      members.remove(user);
      out.add(new RoomChange(room, user, false));
      if (members.isEmpty()) {
        roomNodes.remove(room);
      }
    }
  }
}
