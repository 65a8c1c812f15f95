package io.switchboard.server;

import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.SocketDetails;
import io.switchboard.server.parser.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A broadcast target: rooms, exceptions and flags; immutable, each modifier returns a new operator.
 *
 * <pre>{@code
 * io.to("room1").to("room2").except("muted").emit("news", item);      // in room1 or room2, not in muted
 * io.timeout(Duration.ofSeconds(5)).emitWithAck("vote?")
 *     .thenAccept(answers -> log.info("{} votes", answers.size()));
 * io.in("lobby").fetchSockets().thenAccept(list -> list.forEach(s -> s.emit("hi")));
 * }</pre>
 *
 * <p>The packet is encoded once and the same bytes go to every recipient.
 */
public final class BroadcastOperator {
  private final Namespace nsp;
  private final Adapter adapter;
  private final Set<String> rooms;
  private final Set<String> except;
  private final BroadcastFlags flags;

  BroadcastOperator(Namespace nsp, Adapter adapter, Set<String> rooms, Set<String> except, BroadcastFlags flags) {
    this.nsp = nsp;
    this.adapter = adapter;
    this.rooms = Set.copyOf(rooms);
    this.except = Set.copyOf(except);
    this.flags = flags;
  }

  /**
   * Targets the sockets in these rooms too (the reference's {@code to(...)}): a socket in any of the rooms is reached
   * once.
   *
   * @param more rooms to add to the targets; a socket id targets that socket
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator to(String... more) {
    return to(Arrays.asList(more));
  }

  /**
   * Targets the sockets in these rooms too, as {@link #to(String...)} does.
   *
   * @param more rooms to add to the targets
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator to(Collection<String> more) {
    Set<String> r = new LinkedHashSet<>(rooms);
    r.addAll(more);
    return new BroadcastOperator(nsp, adapter, r, except, flags);
  }

  /**
   * Same as {@link #to(String...)} (the reference's {@code in(...)}).
   *
   * @param more rooms to add to the targets
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator in(String... more) {
    return to(more);
  }

  /**
   * Leaves out the sockets in these rooms (the reference's {@code except(...)}), even those in a target room.
   *
   * @param more rooms to add to the exceptions; a socket id leaves out that socket
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator except(String... more) {
    return except(Arrays.asList(more));
  }

  /**
   * Leaves out the sockets in these rooms, as {@link #except(String...)} does.
   *
   * @param more rooms to add to the exceptions
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator except(Collection<String> more) {
    Set<String> e = new LinkedHashSet<>(except);
    e.addAll(more);
    return new BroadcastOperator(nsp, adapter, rooms, e, flags);
  }

  /**
   * Allows or forbids compression: with {@code false}, the packet goes uncompressed to recipients over a WebSocket
   * that negotiated {@code permessage-deflate}; otherwise it is compressed once for all recipients that use no server
   * context takeover (the default), once per recipient for the others. The reference's {@code compress(...)}.
   *
   * @param compress whether the packet may be compressed; the default is {@code true}
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator compress(boolean compress) {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withCompress(compress));
  }

  /**
   * Drops the packet for each client that cannot take it right now (the reference's {@code volatile}), as
   * {@link Socket#asVolatile()} explains; volatile packets are not kept for connection state recovery.
   *
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator asVolatile() {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withVolatile(true));
  }

  /**
   * Keeps the broadcast, and the other commands of this operator, on this server (the reference's {@code local}):
   * a cluster adapter does not pass them on.
   *
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator local() {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withLocal(true));
  }

  /**
   * Sets how long {@link #emitWithAck} waits for the answers (the reference's {@code timeout(ms)}).
   *
   * @param timeout the wait, after which the stage fails with {@link AckTimeoutException}; {@code null} for no limit
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator timeout(Duration timeout) {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withTimeout(timeout));
  }

  /** {@return the target as adapter options} */
  public BroadcastOptions options() {
    return new BroadcastOptions(rooms, except, flags);
  }

  /**
   * Emits to every target, on every server of the cluster unless {@link #local()}; the packet is encoded once. May be
   * called from any thread; it does not wait for the packets to be written.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return {@code true} (as in the reference server)
   * @throws IllegalArgumentException if {@code event} is null or reserved ({@code connect}, {@code disconnect}…)
   */
  public boolean emit(String event, Object... args) {
    Socket.checkEventName(event);
    adapter.broadcast(Packet.event(nsp.name(), nsp.codec().eventArray(event, args), null), options());
    return true;
  }

  /**
   * Emits a {@code message} event to every target (the reference's {@code send(...)}).
   *
   * @param args the arguments, as for {@link #emit}
   * @return {@code true} (as in the reference server)
   */
  public boolean send(Object... args) {
    return emit("message", args);
  }

  /**
   * Emits and completes with every target client's answer; with a timeout, fails with {@link
   * AckTimeoutException} (holding the answers that came) if some are missing. A client that disconnects counts as
   * answered (with nothing); without a timeout, a connected client that never answers keeps the stage pending, so set
   * one. The reference's {@code emitWithAck(...)}.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return a stage that completes with the answers in arrival order, one per answering client
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<List<Args>> emitWithAck(String event, Object... args) {
    Socket.checkEventName(event);
    CompletableFuture<List<Args>> result = new AckFuture<>();
    Collector c = new Collector(result, nsp.stats);
    if (flags.timeout() != null) {
      var timer = nsp.server().scheduler().schedule(c::timeout, flags.timeout().toNanos(), TimeUnit.NANOSECONDS);
      result.whenComplete((r, e) -> timer.cancel(false));
    }
    BroadcastOptions opts = options();
    adapter.broadcastWithAck(Packet.event(nsp.name(), nsp.codec().eventArray(event, args), null), opts,
        c::expect, c);
    if (opts.flags().local()) {
      c.servers(1);
    } else {
      adapter.serverCount().whenComplete((n, e) -> c.servers(e != null || n == null ? 1 : n));
    }
    return result;
  }

  /**
   * {@return the target sockets, here or on other servers (the reference's {@code fetchSockets()}): a stage that
   * completes with a snapshot of each one's details once every server has answered, or with those of the servers that
   * did answer when a cluster adapter's wait ends ({@link #timeout}, else the adapter's request timeout)}
   */
  public CompletionStage<List<RemoteSocket>> fetchSockets() {
    return adapter.fetchSockets(options()).thenApply(list -> {
      List<RemoteSocket> out = new ArrayList<>(list.size());
      for (SocketDetails d : list) {
        out.add(new RemoteSocket(nsp, adapter, d));
      }
      return out;
    });
  }

  /**
   * Makes the target sockets join rooms (the reference's {@code socketsJoin(...)}): at once on this server, when the
   * cluster message arrives on the others.
   *
   * @param roomsToJoin the room names
   */
  public void socketsJoin(String... roomsToJoin) {
    adapter.addSockets(options(), new LinkedHashSet<>(Arrays.asList(roomsToJoin)));
  }

  /**
   * Makes the target sockets leave rooms (the reference's {@code socketsLeave(...)}), like {@link #socketsJoin}.
   *
   * @param roomsToLeave the room names
   */
  public void socketsLeave(String... roomsToLeave) {
    adapter.delSockets(options(), new LinkedHashSet<>(Arrays.asList(roomsToLeave)));
  }

  /**
   * Disconnects the target sockets, as {@link Socket#disconnect(boolean)} does (the reference's
   * {@code disconnectSockets(close)}).
   *
   * @param close whether to close their underlying connections too
   */
  public void disconnectSockets(boolean close) {
    adapter.disconnectSockets(options(), close);
  }

  @Override
  public String toString() {
    return "BroadcastOperator[" + nsp.name() + " to=" + rooms + " except=" + except + " " + flags + "]";
  }

  /** Collects broadcast acknowledgements until every server reported its count and every counted client answered. */
  private static final class Collector implements AckListener {
    private final CompletableFuture<List<Args>> result;
    private final List<Args> answers = new ArrayList<>();
    private int expectedServers = -1;
    private int reportedServers;
    private int expectedClients;
    private int gone;

    private final NamespaceStats stats;

    Collector(CompletableFuture<List<Args>> result, NamespaceStats stats) {
      this.result = result;
      this.stats = stats;
    }

    synchronized void servers(int count) {
      expectedServers = count;
      check();
    }

    synchronized void expect(int clients) {
      reportedServers++;
      expectedClients += clients;
      check();
    }

    @Override
    public synchronized void onAck(Args args) {
      answers.add(args);
      check();
    }

    @Override
    public synchronized void onGone() {
      gone++;
      check();
    }

    synchronized void timeout() {
      if (!result.isDone()) {
        stats.ackTimeouts.increment();
      }
      result.completeExceptionally(new AckTimeoutException(answers));
    }

    private void check() {
      if (expectedServers >= 0 && reportedServers >= expectedServers && answers.size() + gone >= expectedClients) {
        result.complete(List.copyOf(answers));
      }
    }
  }
}
