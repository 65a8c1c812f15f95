package io.switchboard.server;

import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.SocketDetails;
import io.switchboard.server.parser.Packet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter of a single server: rooms in two in-memory indexes, broadcasts encoded once and written to each local
 * recipient. Designed to be extended by cluster adapters.
 *
 * <pre>{@code
 * ServerOptions.builder().adapter(InMemoryAdapter::new).build();   // the default
 * }</pre>
 */
public class InMemoryAdapter implements Adapter {
  private static final Logger log = LoggerFactory.getLogger(InMemoryAdapter.class);

  /** The namespace this adapter serves. */
  protected final Namespace nsp;
  private final Map<String, Set<String>> rooms = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> sids = new ConcurrentHashMap<>();
  private final List<RoomListener> roomListeners = new CopyOnWriteArrayList<>();

  /**
   * Creates the adapter of a namespace; the server calls it through {@link AdapterFactory}.
   *
   * @param nsp the namespace it serves
   */
  public InMemoryAdapter(Namespace nsp) {
    this.nsp = nsp;
  }

  @Override
  public void addAll(String id, Set<String> roomsToJoin) {
    synchronized (this) {
      Set<String> mine = sids.get(id);
      for (String room : roomsToJoin) {
        mine = plus(mine, room, SOCKET_ROOMS_INLINE);
        Set<String> members = rooms.get(room);
        if (members == null) {
          // a socket alone in its own room: one immutable set is both its rooms and the room's members
          boolean own = room.equals(id) && mine.size() == 1 && mine instanceof CowCollections.SmallSet;
          rooms.put(room, own ? mine : CowCollections.SmallSet.of(id));
          onRoomCreated(room);
        } else if (!members.contains(id)) {
          Set<String> more = plus(members, id, 1);
          if (more != members) {
            rooms.put(room, more);
          }
        } else {
          continue;
        }
        if (!roomListeners.isEmpty()) {
          for (RoomListener l : roomListeners) {
            l.joined(room, id);
          }
        }
      }
      if (mine != null) {
        sids.put(id, mine);
      }
    }
  }

  /**
   * Rooms of one socket held in a small immutable set up to this many (replaced on change), in a concurrent set
   * beyond; a room's members likewise, up to one member: most rooms (a socket's own) never have a second.
   */
  private static final int SOCKET_ROOMS_INLINE = 8;

  /** {@return {@code set} with {@code item}: the same set changed in place, or a replacement} Under the lock. */
  private static Set<String> plus(Set<String> set, String item, int inline) {
    if (set == null) {
      return CowCollections.SmallSet.of(item);
    }
    if (set instanceof CowCollections.SmallSet small) {
      if (small.contains(item)) {
        return small;
      }
      if (small.size() < inline) {
        return small.with(item);
      }
      Set<String> big = ConcurrentHashMap.newKeySet();
      big.addAll(small);
      big.add(item);
      return big;
    }
    set.add(item);
    return set;
  }

  /**
   * {@return {@code set} without {@code item}: the same set changed in place, a replacement, or {@code null} when
   * nothing is left} Under the lock.
   */
  private static Set<String> minus(Set<String> set, String item) {
    if (set instanceof CowCollections.SmallSet small) {
      CowCollections.SmallSet less = small.without(item);
      return less.isEmpty() ? null : less;
    }
    set.remove(item);
    return set.isEmpty() ? null : set;
  }

  /**
   * Adds a listener told of every local join and leave (the reference adapter's join-room and leave-room), under this
   * adapter's lock on the joining or leaving thread: it must be quick and must not block.
   *
   * @param listener the listener
   * @throws NullPointerException if {@code listener} is null
   */
  public void addRoomListener(RoomListener listener) {
    roomListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener added with {@link #addRoomListener}; nothing happens if it was not added.
   *
   * @param listener the listener
   */
  public void removeRoomListener(RoomListener listener) {
    roomListeners.remove(listener);
  }

  @Override
  public void del(String id, String room) {
    synchronized (this) {
      Set<String> mine = sids.get(id);
      if (mine != null) {
        Set<String> less = minus(mine, room);
        if (less == null) {
          sids.remove(id);
        } else if (less != mine) {
          sids.put(id, less);
        }
      }
      removeFromRoom(id, room);
    }
  }

  @Override
  public void delAll(String id) {
    synchronized (this) {
      Set<String> mine = sids.remove(id);
      if (mine != null) {
        for (String room : mine) {
          removeFromRoom(id, room);
        }
      }
    }
  }

  private void removeFromRoom(String id, String room) {
    Set<String> members = rooms.get(room);
    if (members != null && members.contains(id)) {
      Set<String> less = minus(members, id);
      if (less != members && less != null) {
        rooms.put(room, less);
      }
      if (!roomListeners.isEmpty()) {
        for (RoomListener l : roomListeners) {
          l.left(room, id);
        }
      }
      if (less == null) {
        rooms.remove(room);
        onRoomDeleted(room);
      }
    }
  }

  @Override
  public void broadcast(Packet packet, BroadcastOptions opts) {
    deliver(packet, opts, carriesOffset(packet, opts));
  }

  /**
   * Writes a packet to the matching local recipients, each transport's form encoded once.
   *
   * @param carriesOffset whether the packet's last argument is the recovery offset this adapter appended (the plain
   *                      transports take it out of the arguments, and SSE makes it the event id)
   */
  final void deliver(Packet packet, BroadcastOptions opts, boolean carriesOffset) {
    Outgoing out = new Outgoing(nsp.codec(), packet, carriesOffset, opts.flags().compress());
    boolean vol = opts.flags().volatileEmit();
    int[] count = {0};
    apply(opts, r -> {
      count[0]++;
      r.deliver(out, vol);
    });
    counted(out.event(), count[0]);
  }

  /**
   * Whether a packet that {@link #broadcast} delivers ends with a recovery offset that this adapter appended; none
   * here. Adapters that store broadcasts for recovery say which packets carry one.
   *
   * @param packet the packet being broadcast
   * @param opts   its broadcast options
   * @return whether its last argument is a recovery offset
   */
  protected boolean carriesOffset(Packet packet, BroadcastOptions opts) {
    return false;
  }

  /** Counts one broadcast delivered here to {@code recipients} sockets (once per broadcast: no cost per recipient). */
  private void counted(String event, int recipients) {
    NamespaceStats stats = nsp.stats;
    if (stats == null) {
      return; // a cluster message delivered while the namespace is still being built
    }
    stats.broadcasts.increment();
    stats.deliveries.add(recipients);
    if (event != null) {
      stats.sent(event, recipients);
    }
  }

  @Override
  public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount, AckListener ack) {
    long id = nsp.nextAckId();
    Outgoing out = new Outgoing(nsp.codec(), packet.withId(id), false, opts.flags().compress());
    String event = out.event();
    int[] count = {0};
    apply(opts, r -> {
      if (r.registerBroadcastAck(id, ack)) {
        count[0]++;
        r.deliver(out, opts.flags().volatileEmit());
      } else if (!(r instanceof Socket)) {
        r.deliver(out, opts.flags().volatileEmit()); // a plain client gets the event but cannot answer: not counted
      }
    });
    counted(event, count[0]);
    clientCount.accept(count[0]);
  }

  @Override
  public Set<String> sockets(Set<String> inRooms) {
    Set<String> out = new LinkedHashSet<>();
    apply(new BroadcastOptions(inRooms, Set.of(), BroadcastFlags.DEFAULT), s -> out.add(s.id()));
    return out;
  }

  @Override
  public Set<String> socketRooms(String id) {
    Set<String> mine = sids.get(id);
    return mine == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(mine));
  }

  @Override
  public Set<String> rooms() {
    return Set.copyOf(rooms.keySet());
  }

  @Override
  public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
    List<SocketDetails> out = new ArrayList<>();
    apply(opts, s -> out.add(s.details()));
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public void addSockets(BroadcastOptions opts, Set<String> roomsToJoin) {
    apply(opts, s -> s.join(roomsToJoin));
  }

  @Override
  public void delSockets(BroadcastOptions opts, Set<String> roomsToLeave) {
    apply(opts, s -> roomsToLeave.forEach(s::leave));
  }

  @Override
  public void disconnectSockets(BroadcastOptions opts, boolean close) {
    apply(opts, s -> s.disconnect(close));
  }

  /**
   * Called, under this adapter's lock, when a room gets its first local member (a hook for cluster adapters, such as
   * subscribing to the room's channel); must not block.
   *
   * @param room the room
   */
  protected void onRoomCreated(String room) {}

  /**
   * Called, under this adapter's lock, when a room loses its last local member; must not block.
   *
   * @param room the room
   */
  protected void onRoomDeleted(String room) {}

  /** Calls {@code fn} for each connected local recipient matching {@code opts}, each once, whatever its transport. */
  void apply(BroadcastOptions opts, Consumer<Recipient> fn) {
    Set<String> except = exceptSids(opts.except());
    if (!opts.rooms().isEmpty()) {
      Set<String> seen = new LinkedHashSet<>();
      for (String room : opts.rooms()) {
        Set<String> members = rooms.get(room);
        if (members == null) {
          continue;
        }
        for (String id : members) {
          if (except.contains(id) || !seen.add(id)) {
            continue;
          }
          Recipient s = nsp.routableSocket(id);
          if (s != null) {
            fn.accept(s);
          }
        }
      }
    } else {
      for (Socket s : nsp.routableSockets()) {
        if (!except.contains(s.id())) {
          fn.accept(s);
        }
      }
      for (Recipient s : nsp.plainMembers()) {
        if (!except.contains(s.id())) {
          fn.accept(s);
        }
      }
    }
  }

  private Set<String> exceptSids(Set<String> exceptRooms) {
    if (exceptRooms.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new java.util.HashSet<>();
    for (String room : exceptRooms) {
      Set<String> members = rooms.get(room);
      if (members != null) {
        out.addAll(members);
      }
    }
    return out;
  }

  static String eventName(Packet packet) {
    if (packet.data() == null || packet.data().isEmpty()) {
      return "";
    }
    var first = packet.data().get(0);
    return first.isTextual() ? first.textValue() : first.asText();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + nsp.name() + ", " + rooms.size() + " rooms]";
  }

  static Logger logger() {
    return log;
  }
}
