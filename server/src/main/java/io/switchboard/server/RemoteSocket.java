package io.switchboard.server;

import io.switchboard.server.cluster.SocketDetails;
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

  /** {@return the socket id (see {@link Socket#id()})} */
  public String id() {
    return details.id();
  }

  /** {@return the socket's handshake (see {@link Socket#handshake()})} */
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

  /**
   * Emits an event to this socket wherever it is, through the adapter (the reference's {@code RemoteSocket.emit}); a
   * socket that has left by then gets nothing.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return {@code true} (as in the reference server)
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public boolean emit(String event, Object... args) {
    return self().emit(event, args);
  }

  /**
   * Emits an event to this socket and completes with its answer (the reference's
   * {@code remoteSocket.timeout(ms).emitWithAck(...)}), as {@link BroadcastOperator#emitWithAck} does for one socket.
   *
   * @param timeout how long to wait for the answer; {@code null} for no limit
   * @param event   the event name
   * @param args    the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return a stage that completes with a list of one answer, or an empty list if the socket is gone; it fails with
   *     {@link AckTimeoutException} when the timeout passes first
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<List<Args>> emitWithAck(Duration timeout, String event, Object... args) {
    return self().timeout(timeout).emitWithAck(event, args);
  }

  /**
   * Makes this socket join rooms, through the adapter (the reference's {@code RemoteSocket.join}): at once for a
   * socket on this server, when the cluster message arrives for one on another. {@link #rooms()} does not change.
   *
   * @param rooms the room names
   */
  public void join(String... rooms) {
    adapter.addSockets(self().options(), new LinkedHashSet<>(Arrays.asList(rooms)));
  }

  /**
   * Makes this socket leave rooms, through the adapter (the reference's {@code RemoteSocket.leave}), like
   * {@link #join}.
   *
   * @param rooms the room names
   */
  public void leave(String... rooms) {
    adapter.delSockets(self().options(), new LinkedHashSet<>(Arrays.asList(rooms)));
  }

  /**
   * Disconnects this socket wherever it is, through the adapter, as {@link Socket#disconnect(boolean)} does (the
   * reference's {@code RemoteSocket.disconnect}).
   *
   * @param close whether to close its underlying connection too
   */
  public void disconnect(boolean close) {
    adapter.disconnectSockets(self().options(), close);
  }

  @Override
  public String toString() {
    return "RemoteSocket[" + nsp.name() + " " + details.id() + "]";
  }
}
