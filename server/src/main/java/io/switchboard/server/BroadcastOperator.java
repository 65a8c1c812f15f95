package io.switchboard.server;

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

  /** Targets the sockets in these rooms too. */
  public BroadcastOperator to(String... more) {
    return to(Arrays.asList(more));
  }

  /** Targets the sockets in these rooms too. */
  public BroadcastOperator to(Collection<String> more) {
    Set<String> r = new LinkedHashSet<>(rooms);
    r.addAll(more);
    return new BroadcastOperator(nsp, adapter, r, except, flags);
  }

  /** Same as {@link #to}. */
  public BroadcastOperator in(String... more) {
    return to(more);
  }

  /** Leaves out the sockets in these rooms. */
  public BroadcastOperator except(String... more) {
    return except(Arrays.asList(more));
  }

  /** Leaves out the sockets in these rooms. */
  public BroadcastOperator except(Collection<String> more) {
    Set<String> e = new LinkedHashSet<>(except);
    e.addAll(more);
    return new BroadcastOperator(nsp, adapter, rooms, e, flags);
  }

  /** Sets the compression hint. */
  public BroadcastOperator compress(boolean compress) {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withCompress(compress));
  }

  /** Drops the packet for each client that cannot take it right now. */
  public BroadcastOperator asVolatile() {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withVolatile(true));
  }

  /** Keeps the broadcast on this server. */
  public BroadcastOperator local() {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withLocal(true));
  }

  /** Sets how long {@link #emitWithAck} waits. */
  public BroadcastOperator timeout(Duration timeout) {
    return new BroadcastOperator(nsp, adapter, rooms, except, flags.withTimeout(timeout));
  }

  /** The target as adapter options. */
  public BroadcastOptions options() {
    return new BroadcastOptions(rooms, except, flags);
  }

  /** Emits to every target. */
  public boolean emit(String event, Object... args) {
    Socket.checkEventName(event);
    adapter.broadcast(Packet.event(nsp.name(), nsp.codec().eventArray(event, args), null), options());
    return true;
  }

  /** Emits a {@code message} event to every target. */
  public boolean send(Object... args) {
    return emit("message", args);
  }

  /**
   * Emits and completes with every target client's answer; with a timeout, fails with {@link AckTimeoutException}
   * (holding the answers that came) if some are missing. A client that disconnects counts as answered (with nothing);
   * without a timeout, a connected client that never answers keeps the stage pending, so set one.
   */
  public CompletionStage<List<Args>> emitWithAck(String event, Object... args) {
    Socket.checkEventName(event);
    CompletableFuture<List<Args>> result = new CompletableFuture<>();
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

  /** The target sockets, here or on other servers. */
  public CompletionStage<List<RemoteSocket>> fetchSockets() {
    return adapter.fetchSockets(options()).thenApply(list -> {
      List<RemoteSocket> out = new ArrayList<>(list.size());
      for (SocketDetails d : list) {
        out.add(new RemoteSocket(nsp, adapter, d));
      }
      return out;
    });
  }

  /** Makes the target sockets join rooms. */
  public void socketsJoin(String... roomsToJoin) {
    adapter.addSockets(options(), new LinkedHashSet<>(Arrays.asList(roomsToJoin)));
  }

  /** Makes the target sockets leave rooms. */
  public void socketsLeave(String... roomsToLeave) {
    adapter.delSockets(options(), new LinkedHashSet<>(Arrays.asList(roomsToLeave)));
  }

  /** Disconnects the target sockets; {@code close} also closes their connections. */
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
