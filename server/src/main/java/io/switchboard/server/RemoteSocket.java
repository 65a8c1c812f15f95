package io.switchboard.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A socket found by {@code fetchSockets()}, on this server or another: its details, and commands that go through the
 * adapter.
 *
 * <pre>{@code
 * io.in("room1").fetchSockets().thenAccept(sockets -> {
 *   for (RemoteSocket s : sockets) {
 *     if (s.data() == null) s.disconnect(false);
 *     else s.join("verified");
 *   }
 * });
 * }</pre>
 */
public final class RemoteSocket {
  private final Namespace nsp;
  private final Adapter adapter;
  private final SocketDetails details;

  RemoteSocket(Namespace nsp, Adapter adapter, SocketDetails details) {
    this.nsp = nsp;
    this.adapter = adapter;
    this.details = details;
  }

  public String id() {
    return details.id();
  }

  public Handshake handshake() {
    return details.handshake();
  }

  /** {@return the rooms when the socket was fetched} */
  public Set<String> rooms() {
    return details.rooms();
  }

  /** {@return the application data when the socket was fetched} */
  public Object data() {
    return details.data();
  }

  private BroadcastOperator self() {
    return new BroadcastOperator(nsp, adapter, Set.of(details.id()), Set.of(), BroadcastFlags.DEFAULT);
  }

  public boolean emit(String event, Object... args) {
    return self().emit(event, args);
  }

  /**
   * Emits and completes with the socket's answer (a list of one, or none if it is gone).
   *
   * @return a stage that completes as described above
   */
  public CompletionStage<List<Args>> emitWithAck(Duration timeout, String event, Object... args) {
    return self().timeout(timeout).emitWithAck(event, args);
  }

  public void join(String... rooms) {
    adapter.addSockets(self().options(), new LinkedHashSet<>(Arrays.asList(rooms)));
  }

  public void leave(String... rooms) {
    adapter.delSockets(self().options(), new LinkedHashSet<>(Arrays.asList(rooms)));
  }

  public void disconnect(boolean close) {
    adapter.disconnectSockets(self().options(), close);
  }

  @Override
  public String toString() {
    return "RemoteSocket[" + nsp.name() + " " + details.id() + "]";
  }
}
