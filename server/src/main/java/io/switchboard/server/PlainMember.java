package io.switchboard.server;

import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.SocketDetails;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What plain WebSocket clients and event streams share: an id, a place in the namespace's rooms, the handshake and
 * user their request was admitted with, application data, and the close listeners.
 *
 * <pre>{@code
 * stream.join("prices");               // io.to("prices").emit(...) now reaches it too
 * stream.onClose(() -> log.info("{} left", stream.id()));
 * }</pre>
 */
abstract sealed class PlainMember extends Recipient permits PlainWebSocket, EventStream {
  private static final Logger log = LoggerFactory.getLogger(PlainMember.class);

  final Namespace nsp;
  private final String id;
  private final Handshake handshake;
  private final String user;
  private final CopyOnWriteArrayList<Runnable> closeListeners = new CopyOnWriteArrayList<>();
  private volatile Object data;
  private volatile boolean gone;

  PlainMember(Namespace nsp, Handshake handshake, String user) {
    this.nsp = nsp;
    this.id = Socket.newId();
    this.handshake = handshake;
    this.user = user;
  }

  /** The id: random, and the name of its own room (like a Socket.IO socket's). */
  @Override
  public String id() {
    return id;
  }

  /** {@return the namespace whose rooms it is in} */
  public Namespace namespace() {
    return nsp;
  }

  /** {@return the HTTP request it connected with ({@code auth} holds {@code user} when the authenticator named one)} */
  public Handshake handshake() {
    return handshake;
  }

  /** {@return the user its {@link HttpAuthenticator} admitted it as, or {@code null}} */
  public String user() {
    return user;
  }

  /** {@return the application data (visible through {@code fetchSockets()}), or {@code null} if none was attached} */
  public Object data() {
    return data;
  }

  /**
   * Attaches application data, replacing any before it; other servers see it through {@code fetchSockets()}, like a
   * Socket.IO socket's {@code socket.data}.
   *
   * @param value the data (it must serialize to JSON for other servers), or {@code null}
   */
  public void data(Object value) {
    this.data = value;
  }

  /**
   * Joins rooms: broadcasts to them reach it, here and from the other servers of the cluster. Does nothing once it is
   * closed.
   *
   * @param rooms the rooms to join
   */
  public void join(String... rooms) {
    join(Arrays.asList(rooms));
  }

  /**
   * Joins rooms, as {@link #join(String...)}.
   *
   * @param rooms the rooms to join
   */
  @Override
  public void join(Collection<String> rooms) {
    if (!gone) {
      nsp.adapter().addAll(id, new LinkedHashSet<>(rooms));
      if (gone) {
        nsp.adapter().delAll(id); // it went meanwhile: leave no room behind
      }
    }
  }

  /**
   * Leaves a room; nothing happens if it was not in it.
   *
   * @param room the room to leave
   */
  @Override
  public void leave(String room) {
    nsp.adapter().del(id, room);
  }

  /** {@return the rooms it is in, its own id included} */
  public Set<String> rooms() {
    return nsp.adapter().socketRooms(id);
  }

  /** {@return whether it is still connected} */
  public boolean connected() {
    return !gone;
  }

  /**
   * Adds a listener told once when the connection is gone (after it left its rooms); added after that, it runs at once
   * on the calling thread.
   *
   * @param listener the listener
   */
  public void onClose(Runnable listener) {
    closeListeners.add(listener);
    if (gone && closeListeners.remove(listener)) {
      listener.run();
    }
  }

  /** Closes the connection. */
  public abstract void close();

  @Override
  void disconnect(boolean close) {
    close();
  }

  @Override
  boolean registerBroadcastAck(long ackId, AckListener listener) {
    return false;
  }

  @Override
  SocketDetails details() {
    return new SocketDetails(id, handshake, rooms(), data);
  }

  /** Becomes a recipient of broadcasts (it is in its own room from the start). */
  void enter() {
    join(Set.of(id));
  }

  /** Leaves every room and the namespace, then tells the listeners; once. */
  void gone() {
    synchronized (this) {
      if (gone) {
        return;
      }
      gone = true;
    }
    nsp.removePlain(this);
    nsp.adapter().delAll(id);
    for (Runnable r : closeListeners) {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("{}: close listener failed", this, e);
      }
    }
    closeListeners.clear();
  }
}
