package io.switchboard.server;

import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.PersistedSession;
import io.switchboard.server.cluster.RestoredSession;
import io.switchboard.server.cluster.Resumption;
import io.switchboard.server.cluster.SocketDetails;
import io.switchboard.server.parser.Packet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The room registry and broadcast engine of one namespace; the plug-in point that a cluster adapter replaces.
 *
 * <pre>{@code
 * Adapter adapter = io.of("/").adapter();
 * adapter.addAll(socket.id(), Set.of("lobby"));
 * adapter.broadcast(packet, BroadcastOptions.room("lobby"));  // encoded once, written to each local member
 * }</pre>
 *
 * <p>{@link InMemoryAdapter} implements every method for one server. A cluster adapter extends it and forwards the
 * cluster-wide operations (broadcast, socketsJoin/Leave, disconnectSockets, fetchSockets, serverSideEmit,
 * serverCount) to the other servers as well; {@code local} broadcasts and room bookkeeping stay local. Methods may be
 * called from any thread.
 */
public interface Adapter {

  /** Called once when the namespace is created. */
  default void init() {}

  /** Called once when the namespace or the server closes. */
  default void close() {}

  /** {@return the number of servers in the cluster; 1 for a single server} */
  default CompletionStage<Integer> serverCount() {
    return CompletableFuture.completedFuture(1);
  }

  /**
   * Adds a local socket to rooms (the reference adapter's {@code addAll}); joining a room it is already in does
   * nothing.
   *
   * @param id    the socket id (also the name of its own room)
   * @param rooms the rooms to join
   */
  void addAll(String id, Set<String> rooms);

  /**
   * Removes a local socket from a room; nothing happens if it was not in it.
   *
   * @param id   the socket id
   * @param room the room to leave
   */
  void del(String id, String room);

  /**
   * Removes a local socket from all its rooms, its own included: what happens when it disconnects.
   *
   * @param id the socket id
   */
  void delAll(String id);

  /**
   * Sends a packet to the matching sockets; EVENT packets may hold binary.
   *
   * @param packet the packet, with its namespace set
   * @param opts   which sockets receive it (rooms, exceptions) and how (volatile, compress, local)
   */
  void broadcast(Packet packet, BroadcastOptions opts);

  /**
   * Sends a packet that asks for acknowledgements to the matching sockets.
   *
   * @param packet      the packet; the adapter gives it the ack id
   * @param opts        which sockets receive it, and the ack timeout in its flags
   * @param clientCount told how many clients were sent the packet (once per server)
   * @param ack         told of each answer
   */
  void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount, AckListener ack);

  /**
   * {@return the ids of the local sockets in any of {@code rooms}, or of all local sockets when it is empty}
   *
   * @param rooms the rooms to look in; empty for all
   */
  Set<String> sockets(Set<String> rooms);

  /**
   * {@return the rooms of a local socket (empty if unknown)}
   *
   * @param id the socket id
   */
  Set<String> socketRooms(String id);

  /** {@return the names of the local rooms} */
  Set<String> rooms();

  /**
   * {@return the matching sockets, with their details (across the cluster unless the flags say local)}
   *
   * @param opts which sockets to fetch
   */
  CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts);

  /**
   * Makes the matching sockets join {@code rooms}.
   *
   * @param opts  which sockets
   * @param rooms the rooms they join
   */
  void addSockets(BroadcastOptions opts, Set<String> rooms);

  /**
   * Makes the matching sockets leave {@code rooms}.
   *
   * @param opts  which sockets
   * @param rooms the rooms they leave
   */
  void delSockets(BroadcastOptions opts, Set<String> rooms);

  /**
   * Disconnects the matching sockets.
   *
   * @param opts  which sockets
   * @param close also close their underlying connections (the other namespaces of the client go too)
   */
  void disconnectSockets(BroadcastOptions opts, boolean close);

  /**
   * Sends an event to the other servers of the cluster (never to this one); nothing to do for one server.
   *
   * @param event the event name
   * @param args  its arguments
   */
  default void serverSideEmit(String event, Args args) {}

  /**
   * Sends an event to the other servers and collects their acknowledgements; none for one server.
   *
   * @param event   the event name
   * @param args    its arguments
   * @param timeout how long to wait for the answers, or {@code null} for the adapter's default
   * @return a stage that completes with the answers of the servers that answered in time (a cluster adapter logs the
   *     silent ones)
   */
  default CompletionStage<List<Args>> serverSideEmitWithAck(String event, Args args, Duration timeout) {
    return CompletableFuture.completedFuture(List.of());
  }

  /**
   * Keeps a disconnected socket's state for connection state recovery, for the namespace's
   * {@code maxDisconnectionDuration}; the default (no recovery) drops it.
   *
   * @param session the state to keep, found again by its private id
   */
  default void persistSession(PersistedSession session) {}

  /**
   * Takes back a persisted session, or completes with {@code null} if there is none, it expired, or the missed packets
   * cannot all be found.
   *
   * @param pid    the private session id the client presented
   * @param offset the offset of the last event the client received, or {@code null} if it received none
   * @return a stage that completes with the session and the events it missed, or with {@code null}
   */
  default CompletionStage<RestoredSession> restoreSession(String pid, String offset) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Restores a session and makes the socket a recipient of broadcasts in one step, so that no broadcast falls
   * between the missed packets and the live ones: {@code register} (which the namespace supplies) is given the restored
   * session, or {@code null}, and its result is returned. Runs on a handler thread and may block. The default waits for
   * {@link #restoreSession} and registers after it; adapters whose broadcasts can arrive meanwhile override it.
   *
   * @param <T>      what {@code register} returns
   * @param pid      the private session id the client presented
   * @param offset   the offset of the last event the client received, or {@code null}
   * @param register makes the socket a recipient; given the restored session or {@code null}
   * @return what {@code register} returned
   */
  default <T> T restoreAndRegister(String pid, String offset, Function<RestoredSession, T> register) {
    return register.apply(restoreSession(pid, offset).toCompletableFuture().join());
  }

  /**
   * Told, with connection state recovery on, that the recoverable state of a connected socket changed: it connected
   * (with its CONNECT reply out), joined or left rooms, or was given new data. {@code state} gives the state as it is
   * when called ({@code null} once the socket has left). An adapter that persists sessions continuously saves it, so
   * that the client can recover on another server even if this one dies without a word; the default does nothing.
   * Runs on the thread that made the change; must not block.
   *
   * @param sid   the socket id
   * @param state gives the current state when called
   */
  default void sessionChanged(String sid, Supplier<PersistedSession> state) {}

  /**
   * Told, with connection state recovery on, that a socket left for good (a disconnection that is not recoverable,
   * such as the client's or the server's own {@code disconnect()}): a continuously persisted session must not be
   * restored any more. Recoverable disconnections call {@link #persistSession} instead.
   *
   * @param sid the socket id
   * @param pid its private session id
   */
  default void discardSession(String sid, String pid) {}

  /**
   * Finds the stored broadcasts after {@code offset} that a client in {@code rooms} (and its own room {@code sid})
   * would have received, and makes it a recipient in the same step (as {@link #restoreAndRegister} does for a
   * session): how an event stream resumes from its {@code Last-Event-ID}. {@code register} is given what was found;
   * its result is returned. Runs on a handler thread and may block. The default (no packet store) finds nothing.
   *
   * @param <T>      what {@code register} returns
   * @param sid      the stream's id (its own room)
   * @param rooms    the rooms it is in
   * @param offset   the offset of the last event the client received, or {@code null} for a new client
   * @param register makes it a recipient; given the packets found ({@link Resumption#NONE} when none can be)
   * @return what {@code register} returned
   */
  default <T> T resume(String sid, Set<String> rooms, String offset, Function<Resumption, T> register) {
    return register.apply(Resumption.NONE);
  }
}
