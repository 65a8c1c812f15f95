package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.engine.EngineMessage;
import io.switchboard.engine.Ids;
import io.switchboard.engine.Logs;
import io.switchboard.engine.Transport;
import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.PersistedSession;
import io.switchboard.server.cluster.RestoredSession;
import io.switchboard.server.cluster.SessionAwareAdapter;
import io.switchboard.server.cluster.SocketDetails;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.PacketType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client in one namespace: it receives the client's events, emits to it, joins rooms and broadcasts to others.
 *
 * <pre>{@code
 * io.onConnection(socket -> {
 *   socket.join("lobby");
 *   socket.on("chat", ChatMessage.class, (msg, ack) -> {
 *     socket.to("lobby").emit("chat", msg);       // everyone in the lobby but the sender
 *     ack.send("delivered");
 *   });
 *   socket.onDisconnect((reason, description) -> log.info("{} left: {}", socket.id(), reason));
 * });
 * }</pre>
 *
 * <p>Handlers, middlewares and listeners of one client run one at a time, in the order the client sent its packets,
 * on the client's I/O thread or on the server's handler executor, as {@link ServerOptions#handlerDispatch()} says; by
 * default ({@link HandlerDispatch#ADAPTIVE}) on the I/O thread until the client sends an event declared ({@link
 * Namespace#blocking(String...)}) or seen blocking. Emitting, joining and leaving may be
 * called from any thread.
 */
public final class Socket extends Recipient {
  private static final Logger log = LoggerFactory.getLogger(Socket.class);
  private static final Logger handlersLog = LoggerFactory.getLogger(Logs.HANDLERS);
  private static final Logger connectionsLog = LoggerFactory.getLogger(Logs.CONNECTIONS);

  private final Namespace nsp;
  final Client client;
  private final String id;
  private final String pid;
  // the handshake is built on demand from the connection's request: a socket keeps only its auth payload
  private final Map<String, Object> auth;
  private final boolean recovered;
  private volatile Object data;
  private volatile boolean connected;
  private volatile boolean closed;
  private String baseOffset;
  private List<JsonNode> missed;
  // guarded by this: broadcasts that find the socket before its CONNECT reply is out wait here, then follow it
  private volatile List<List<EngineMessage>> gate = new ArrayList<>();

  // copy-on-write, immutable and shared-empty until used (an idle socket holds no collection of its own); replaced
  // under this socket's lock
  private volatile Map<String, List<EventHandler>> handlers = Map.of();
  private volatile List<AnyListener> anyIncoming = List.of();
  private volatile List<AnyListener> anyOutgoing = List.of();
  private volatile List<EventMiddleware> middlewares = List.of();
  private volatile List<DisconnectListener> disconnecting = List.of();
  private volatile List<DisconnectListener> disconnected = List.of();
  private volatile List<Consumer<Throwable>> errorListeners = List.of();
  // created by the first acknowledgement asked for
  private volatile Map<Long, PendingAck> acks;

  /** An acknowledgement this socket waits for, with when it was asked for (0 when times are not measured). */
  private abstract static class PendingAck {
    final long sentAt;

    PendingAck(long sentAt) {
      this.sentAt = sentAt;
    }

    abstract void complete(Args args);

    abstract void gone();
  }

  /** The pending acknowledgements, created on first use. */
  private Map<Long, PendingAck> acks() {
    Map<Long, PendingAck> m = acks;
    if (m == null) {
      synchronized (this) {
        m = acks;
        if (m == null) {
          m = new ConcurrentHashMap<>(4);
          acks = m;
        }
      }
    }
    return m;
  }

  /** Now, if durations are measured; else 0 (no clock read). */
  private long stamp() {
    return nsp.server().stats().timing ? System.nanoTime() : 0;
  }

  Socket(Namespace nsp, Client client, Handshake handshake, RestoredSession session) {
    this.nsp = nsp;
    this.client = client;
    this.auth = handshake.auth().isEmpty() ? Map.of() : handshake.auth();
    if (session != null) {
      this.id = session.sid();
      this.data = session.data();
      this.recovered = true;
      this.missed = session.missedPackets();
    } else {
      this.id = newId();
      this.recovered = false;
    }
    this.pid = !nsp.recoveryEnabled() ? null : session != null && session.pid() != null ? session.pid() : newId();
  }

  /** A new socket (or plain member) id: 120 random bits, URL-safe base64 (20 characters, as the reference's). */
  static String newId() {
    return Ids.base64Url(15);
  }

  // ---- identity and state ----

  /** {@return the socket id: random, or the previous one for a recovered socket} */
  public String id() {
    return id;
  }

  /** {@return the namespace this socket belongs to} */
  public Namespace namespace() {
    return nsp;
  }

  /** {@return what the client sent when it connected} */
  public Handshake handshake() {
    return Handshake.of(client.conn.request(), auth);
  }

  /** {@return the id of the underlying Engine.IO connection (shared by the client's sockets in other namespaces)} */
  public String connectionId() {
    return client.id();
  }

  /** {@return the transport in use now} */
  public Transport transport() {
    return client.conn.transport();
  }

  /** {@return whether the socket is in its namespace} */
  public boolean connected() {
    return connected;
  }

  /** {@return whether this socket got back the state of an earlier connection (connection state recovery)} */
  public boolean recovered() {
    return recovered;
  }

  /**
   * {@return the application data attached to this socket (visible through {@code fetchSockets()}), or {@code null}}
   */
  public Object data() {
    return data;
  }

  /**
   * Attaches application data (the reference's {@code socket.data = ...}); with connection state recovery it comes
   * back with the session. May be called from any thread.
   *
   * @param value any object, or {@code null}; a cluster adapter sends it to other servers (for their
   *     {@code fetchSockets()}) as JSON written by the server's Jackson mapper
   */
  public void data(Object value) {
    this.data = value;
    sessionChanged();
  }

  // ---- rooms ----

  /**
   * Joins rooms on this server's adapter (the reference's {@code socket.join(...)}); joining a room it is in already
   * does nothing. Takes effect before it returns: a broadcast sent afterwards reaches it.
   *
   * @param rooms the room names
   */
  public void join(String... rooms) {
    join(Arrays.asList(rooms));
  }

  /**
   * Joins rooms, as {@link #join(String...)} does.
   *
   * @param rooms the room names
   */
  public void join(Collection<String> rooms) {
    nsp.adapter().addAll(id, new LinkedHashSet<>(rooms));
    sessionChanged();
  }

  /**
   * Leaves a room (the reference's {@code socket.leave(room)}); leaving a room it is not in does nothing. On
   * disconnection a socket leaves all its rooms by itself.
   *
   * @param room the room name
   */
  public void leave(String room) {
    nsp.adapter().del(id, room);
    sessionChanged();
  }

  /** {@return the rooms this socket is in, its own id included} */
  public Set<String> rooms() {
    return nsp.adapter().socketRooms(id);
  }

  // ---- listeners ----

  /**
   * Handles an event with its raw arguments (the reference's {@code socket.on(event, listener)}); several handlers of
   * one event run in the order they were added.
   *
   * @param event   the event name
   * @param handler runs in the client's order for each such event, after the event middlewares (where: {@link
   *     HandlerDispatch})
   * @return this socket
   */
  public Socket on(String event, EventHandler handler) {
    Objects.requireNonNull(handler, "handler");
    synchronized (this) {
      handlers = CowCollections.withListValue(handlers, event, handler);
    }
    return this;
  }

  /**
   * Handles an event whose first argument is bound to {@code type}; a payload that does not fit reaches {@link
   * #onError} instead of the handler.
   *
   * @param <T>     the type of the first argument
   * @param event   the event name
   * @param type    what the first argument is bound to, by the server's Jackson mapper
   * @param handler runs in the client's order for each such event that fits (where: {@link HandlerDispatch})
   * @return this socket
   */
  public <T> Socket on(String event, Class<T> type, DataHandler<T> handler) {
    return on(event, (args, ack) -> {
      T value;
      try {
        value = args.isEmpty() ? null : args.get(0, type);
      } catch (IllegalArgumentException e) {
        reportError(new IllegalArgumentException("event '" + event + "': argument does not fit " + type.getName(), e));
        return;
      }
      handler.handle(value, ack);
    });
  }

  /**
   * Removes every handler of an event (the reference's {@code socket.removeAllListeners(event)}); the client's later
   * events of that name are dropped, and their acknowledgements never sent.
   *
   * @param event the event name
   * @return this socket
   */
  public Socket off(String event) {
    synchronized (this) {
      handlers = CowCollections.without(handlers, event);
    }
    return this;
  }

  /**
   * Sees every incoming event, before the event middlewares (the reference's {@code socket.onAny(...)}).
   *
   * @param listener runs in the client's order (where: {@link HandlerDispatch})
   * @return this socket
   */
  public Socket onAny(AnyListener listener) {
    synchronized (this) {
      anyIncoming = CowCollections.with(anyIncoming, listener);
    }
    return this;
  }

  /**
   * Stops seeing incoming events (the reference's {@code socket.offAny(listener)}).
   *
   * @param listener a listener given to {@link #onAny}; another one is ignored
   * @return this socket
   */
  public Socket offAny(AnyListener listener) {
    synchronized (this) {
      anyIncoming = CowCollections.without(anyIncoming, listener);
    }
    return this;
  }

  /**
   * Sees every event emitted to this client, its own or a broadcast (the reference's {@code socket.onAnyOutgoing(...)};
   * acknowledgements are not events).
   *
   * @param listener runs on the emitting thread, before the packet is written: keep it short
   * @return this socket
   */
  public Socket onAnyOutgoing(AnyListener listener) {
    synchronized (this) {
      anyOutgoing = CowCollections.with(anyOutgoing, listener);
    }
    return this;
  }

  /**
   * Stops seeing outgoing events (the reference's {@code socket.offAnyOutgoing(listener)}).
   *
   * @param listener a listener given to {@link #onAnyOutgoing}; another one is ignored
   * @return this socket
   */
  public Socket offAnyOutgoing(AnyListener listener) {
    synchronized (this) {
      anyOutgoing = CowCollections.without(anyOutgoing, listener);
    }
    return this;
  }

  /**
   * Adds an event middleware (the reference's {@code socket.use(...)}); middlewares run in the order they were added.
   *
   * @param middleware runs for each incoming event, after the {@link #onAny} listeners and before the handlers
   * @return this socket
   */
  public Socket use(EventMiddleware middleware) {
    synchronized (this) {
      middlewares = CowCollections.with(middlewares, middleware);
    }
    return this;
  }

  /**
   * Told when the socket is about to leave; its rooms are still there (the reference's {@code disconnecting} event).
   *
   * @param listener runs once, in the client's order (where: {@link HandlerDispatch})
   * @return this socket
   */
  public Socket onDisconnecting(DisconnectListener listener) {
    synchronized (this) {
      disconnecting = CowCollections.with(disconnecting, listener);
    }
    return this;
  }

  /**
   * Told when the socket has left: out of its rooms, its pending acknowledgements failed (the reference's
   * {@code disconnect} event).
   *
   * @param listener runs once, on the handler executor
   * @return this socket
   */
  public Socket onDisconnect(DisconnectListener listener) {
    synchronized (this) {
      disconnected = CowCollections.with(disconnected, listener);
    }
    return this;
  }

  /**
   * Told of errors: event middleware refusals, handler exceptions, payloads that do not fit a typed handler. Without
   * a listener they are logged at debug level (handler exceptions at warn, always).
   *
   * @param listener runs in the client's order (where: {@link HandlerDispatch})
   * @return this socket
   */
  public Socket onError(Consumer<Throwable> listener) {
    synchronized (this) {
      errorListeners = CowCollections.with(errorListeners, listener);
    }
    return this;
  }

  // ---- emitting ----

  /**
   * Emits an event to this client (the reference's {@code socket.emit(...)}); {@code byte[]} and {@code ByteBuffer}
   * anywhere in {@code args} go as binary. May be called from any thread; the packet is queued, not waited for.
   *
   * @param event the event name
   * @param args  the arguments, written as JSON by the server's Jackson mapper
   * @return {@code true}, or {@code false} if the socket is not connected (nothing is sent)
   * @throws IllegalArgumentException if {@code event} is null or reserved ({@code connect}, {@code disconnect}…)
   */
  public boolean emit(String event, Object... args) {
    return emit(event, args, BroadcastFlags.DEFAULT);
  }

  /**
   * Emits a {@code message} event (the reference's {@code socket.send(...)}).
   *
   * @param args the arguments, as for {@link #emit}
   * @return {@code true}, or {@code false} if the socket is not connected
   */
  public boolean send(Object... args) {
    return emit("message", args);
  }

  /**
   * Emits an event and completes with the client's acknowledgement (the reference's {@code socket.emitWithAck(...)}).
   * Without a timeout ({@link #timeout}), it waits until the client answers or the socket leaves. Chain the answer's
   * handling to the stage: a blocking wait ({@code join()}, {@code get()}) on a Netty I/O thread, where a handler may
   * run, throws {@link IllegalStateException} at once instead of blocking the thread that would read the answer.
   *
   * @param event the event name
   * @param args  the arguments, as for {@link #emit}
   * @return a stage that completes with the answer's arguments, or fails with {@link IllegalStateException} if the
   *     socket is not connected or leaves before answering
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<Args> emitWithAck(String event, Object... args) {
    return emitWithAck(event, args, BroadcastFlags.DEFAULT);
  }

  /**
   * Emits to this client with a timeout on the acknowledgement (the reference's {@code socket.timeout(ms)}).
   *
   * @param timeout how long {@link SocketEmitter#emitWithAck} waits before it fails with {@link AckTimeoutException}
   * @return a new emitter with this setting
   */
  public SocketEmitter timeout(Duration timeout) {
    return new SocketEmitter(this, BroadcastFlags.DEFAULT.withTimeout(timeout));
  }

  /**
   * Emits to this client only if it can take the packet right now (the reference's {@code socket.volatile}): the
   * packet is dropped when the connection still has packets queued, its WebSocket's outbound buffer is full, or on
   * long-polling no GET is waiting.
   *
   * @return a new emitter with this setting
   */
  public SocketEmitter asVolatile() {
    return new SocketEmitter(this, BroadcastFlags.DEFAULT.withVolatile(true));
  }

  /**
   * Emits with compression allowed or not (the reference's {@code socket.compress(...)}): with {@code false}, the
   * packet goes uncompressed over a WebSocket that negotiated {@code permessage-deflate}
   * ({@link io.switchboard.engine.PerMessageDeflate}), whatever its size.
   *
   * @param compress whether the packet may be compressed; the default is {@code true}
   * @return a new emitter with this setting
   */
  public SocketEmitter compress(boolean compress) {
    return new SocketEmitter(this, BroadcastFlags.DEFAULT.withCompress(compress));
  }

  /**
   * Broadcasts to every socket of the namespace but this one (the reference's {@code socket.broadcast}), on every
   * server of the cluster.
   *
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator broadcast() {
    return nsp.newOperator(Set.of(), Set.of(id));
  }

  /**
   * Broadcasts to the sockets in these rooms but this one (the reference's {@code socket.to(...)}).
   *
   * @param rooms the target rooms; a socket id targets that socket
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator to(String... rooms) {
    return broadcast().to(rooms);
  }

  /**
   * Same as {@link #to} (the reference's {@code socket.in(...)}).
   *
   * @param rooms the target rooms
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  /**
   * Broadcasts to every socket of the namespace but this one and those in {@code rooms} (the reference's
   * {@code socket.except(...)}).
   *
   * @param rooms the rooms whose sockets are left out
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator except(String... rooms) {
    return broadcast().except(rooms);
  }

  /**
   * Broadcasts to every socket of the namespace on this server only, but this one (the reference's
   * {@code socket.local}).
   *
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator local() {
    return broadcast().local();
  }

  /**
   * Leaves the namespace: sends DISCONNECT and fires {@code disconnect} with "server namespace disconnect"; with
   * {@code close}, closes the whole connection (the reference's {@code socket.disconnect(close)}). Asynchronous unless
   * called from this client's handler; does nothing if the socket has left already.
   *
   * @param close whether to close the underlying connection too, and with it the client's sockets in other namespaces
   */
  public void disconnect(boolean close) {
    client.serial.executeOrRun(() -> {
      if (!connected) {
        return;
      }
      if (close) {
        client.disconnectAll();
      } else {
        client.writePacket(Packet.of(PacketType.DISCONNECT, nsp.name()));
        onClose(DisconnectReason.SERVER_NAMESPACE_DISCONNECT, DisconnectReason.SERVER_NAMESPACE_DISCONNECT.text());
      }
    });
  }

  boolean emit(String event, Object[] args, BroadcastFlags flags) {
    checkEventName(event);
    if (!connected) {
      return false;
    }
    ArrayNode payload = nsp.codec().eventArray(event, args);
    Packet packet = Packet.event(nsp.name(), payload, null);
    if (nsp.recoveryEnabled() && !flags.volatileEmit()) {
      nsp.adapter().broadcast(packet, new BroadcastOptions(Set.of(id), Set.of(), flags));
      return true;
    }
    notifyOutgoing(event, nsp.codec().args(payload, 1));
    nsp.stats.sent(event, 1);
    writeDirect(nsp.codec().encode(packet, flags.compress()), flags.volatileEmit());
    return true;
  }

  CompletionStage<Args> emitWithAck(String event, Object[] args, BroadcastFlags flags) {
    checkEventName(event);
    if (!connected) {
      return CompletableFuture.failedFuture(new IllegalStateException("socket is not connected"));
    }
    CompletableFuture<Args> result = new AckFuture<>();
    long ackId = nsp.nextAckId();
    nsp.stats.acksPending.increment();
    acks().put(ackId, new PendingAck(stamp()) {
      @Override
      public void complete(Args a) {
        result.complete(a);
      }

      @Override
      public void gone() {
        result.completeExceptionally(new IllegalStateException("socket has been disconnected"));
      }
    });
    if (flags.timeout() != null) {
      var timer = client.conn.executor().schedule(() -> {
        if (acks().remove(ackId) != null) {
          nsp.stats.acksPending.decrement();
          nsp.stats.ackTimeouts.increment();
          result.completeExceptionally(new AckTimeoutException(List.of()));
        }
      }, flags.timeout().toNanos(), TimeUnit.NANOSECONDS);
      result.whenComplete((a, e) -> timer.cancel(false));
    }
    ArrayNode payload = nsp.codec().eventArray(event, args);
    notifyOutgoing(event, nsp.codec().args(payload, 1));
    nsp.stats.sent(event, 1);
    writeDirect(nsp.codec().encode(Packet.event(nsp.name(), payload, ackId), flags.compress()),
        flags.volatileEmit());
    return result;
  }

  static void checkEventName(String event) {
    if (event == null || PacketDecoder.RESERVED_EVENTS.contains(event)) {
      throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
    }
  }

  // ---- package-private: namespace, adapter and client ----

  /** Writes a broadcast packet encoded once for all recipients. */
  @Override
  void deliver(Outgoing outgoing, boolean volatileEmit) {
    if (!anyOutgoing.isEmpty() && outgoing.event() != null) {
      notifyOutgoing(outgoing.event(), outgoing.args());
    }
    writeDirect(outgoing.socketIo(), volatileEmit);
  }

  private void writeDirect(List<EngineMessage> encoded, boolean volatileEmit) {
    if (gate != null) { // only until the CONNECT reply is out: no lock on the broadcast path after that
      synchronized (this) {
        if (gate != null) {
          if (!volatileEmit) {
            gate.add(encoded);
          }
          return;
        }
      }
    }
    client.write(encoded, volatileEmit);
  }


  @Override
  boolean registerBroadcastAck(long ackId, AckListener listener) {
    if (!connected) {
      return false;
    }
    nsp.stats.acksPending.increment();
    acks().put(ackId, new PendingAck(stamp()) {
      @Override
      public void complete(Args a) {
        listener.onAck(a);
      }

      @Override
      public void gone() {
        listener.onGone();
      }
    });
    return true;
  }

  @Override
  SocketDetails details() {
    return new SocketDetails(id, handshake(), rooms(), data);
  }

  String pid() {
    return pid;
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Enters the namespace: joins its own room, then sends the CONNECT reply, what a recovered socket missed, and the
   * broadcasts that reached it in between, in that order. The namespace has made the socket reachable first, so a
   * broadcast sent after the client saw CONNECT cannot miss it.
   */
  void onConnect() {
    connected = true;
    if (nsp.adapter() instanceof SessionAwareAdapter sa) {
      baseOffset = sa.currentOffset();
    }
    ObjectNode reply = nsp.codec().mapper().createObjectNode().put("sid", id);
    if (pid != null) {
      reply.put("pid", pid);
    }
    Packet connect = new Packet(PacketType.CONNECT, nsp.name(), reply, null);
    if (!recovered) {
      join(id);
    }
    synchronized (this) {
      client.writePacket(connect);
      if (missed != null) {
        for (JsonNode m : missed) {
          client.write(nsp.codec().encode(Packet.event(nsp.name(), m, null)), false);
        }
      }
      for (List<EngineMessage> held : gate) {
        client.write(held, false);
      }
      gate = null;
      missed = null;
    }
    if (connectionsLog.isDebugEnabled()) {
      try (var c = Logs.context(id, nsp.name(), handshake().address())) {
        connectionsLog.debug("socket joined over {}{}", transport().wireName(), recovered ? " (recovered)" : "");
      }
    }
    sessionChanged();
  }

  /** With recovery on, tells the adapter that what a recovery would restore changed (once connected). */
  private void sessionChanged() {
    if (pid != null && connected && gate == null) {
      nsp.adapter().sessionChanged(id, this::session);
    }
  }

  private PersistedSession session() {
    return connected ? new PersistedSession(id, pid, rooms(), data, baseOffset) : null;
  }

  void onPacket(Packet p) {
    if (!connected) {
      return;
    }
    switch (p.type()) {
      case EVENT, BINARY_EVENT -> onEvent(p);
      case ACK, BINARY_ACK -> onAck(p);
      case DISCONNECT -> onClose(DisconnectReason.CLIENT_NAMESPACE_DISCONNECT,
          DisconnectReason.CLIENT_NAMESPACE_DISCONNECT.text());
      default -> log.debug("socket {}: unexpected {} packet ignored", id, p.type());
    }
  }

  private void onEvent(Packet p) {
    JsonNode first = p.data().get(0);
    String event = first.isTextual() ? first.textValue() : first.asText();
    Args args = nsp.codec().args(p.data(), 1);
    nsp.stats.received(event);
    Ack ack = p.id() == null ? Ack.NONE : new ClientAck(p.id());
    for (AnyListener l : anyIncoming) {
      try {
        l.onEvent(event, args);
      } catch (RuntimeException e) {
        reportError(e);
      }
    }
    if (middlewares.isEmpty()) {
      dispatch(event, args, ack);
      return;
    }
    List<Chain.Step> steps = new ArrayList<>(middlewares.size());
    for (EventMiddleware m : middlewares) {
      steps.add(next -> m.handle(event, args, next));
    }
    Chain.run(steps, client.serial, () -> dispatch(event, args, ack), e -> {
      abandon(ack);
      reportError(e);
    });
  }

  private void dispatch(String event, Args args, Ack ack) {
    if (!connected) {
      log.debug("socket {}: event {} after disconnection ignored", id, event);
      abandon(ack);
      return;
    }
    List<EventHandler> list = handlers.get(event);
    if (list == null) {
      log.debug("socket {}: no handler for event {}", id, event);
      abandon(ack);
      return;
    }
    for (EventHandler h : list) {
      try {
        h.handle(args, ack);
      } catch (Exception e) {
        try (var c = Logs.context(id, nsp.name(), handshake().address())) {
          handlersLog.warn("handler of event {} failed", event, e);
        }
        reportError(e);
      }
    }
  }

  private void onAck(Packet p) {
    Map<Long, PendingAck> pendingAcks = acks;
    PendingAck pending = pendingAcks == null ? null : pendingAcks.remove(p.id());
    if (pending == null) {
      log.debug("socket {}: unknown ack id {}", id, p.id());
      return;
    }
    nsp.stats.acksPending.decrement();
    if (pending.sentAt != 0) {
      nsp.server().stats().ackRoundTrip.record(System.nanoTime() - pending.sentAt);
    }
    pending.complete(nsp.codec().args(p.data(), 0));
  }

  void onClose(DisconnectReason reason, String description) {
    closed = true;
    if (!connected) {
      return;
    }
    for (DisconnectListener l : disconnecting) {
      try {
        l.onDisconnect(reason, description);
      } catch (RuntimeException e) {
        log.warn("socket {}: disconnecting listener failed", id, e);
      }
    }
    if (nsp.recoveryEnabled() && pid != null) {
      if (reason.isRecoverable()) {
        nsp.adapter().persistSession(new PersistedSession(id, pid, rooms(), data, baseOffset));
      } else {
        nsp.adapter().discardSession(id, pid);
      }
    }
    nsp.adapter().delAll(id);
    nsp.remove(this);
    client.remove(this, reason);
    connected = false;
    nsp.stats.disconnected(reason);
    if (connectionsLog.isDebugEnabled()) {
      try (var c = Logs.context(id, nsp.name(), handshake().address())) {
        connectionsLog.debug("socket left: {} ({})", reason, description);
      }
    }
    Map<Long, PendingAck> pendingAcks = acks;
    for (Long ackId : pendingAcks == null ? List.<Long>of() : new ArrayList<>(pendingAcks.keySet())) {
      PendingAck a = pendingAcks.remove(ackId);
      if (a != null) {
        nsp.stats.acksPending.decrement();
        a.gone();
      }
    }
    for (DisconnectListener l : disconnected) {
      try {
        l.onDisconnect(reason, description);
      } catch (RuntimeException e) {
        log.warn("socket {}: disconnect listener failed", id, e);
      }
    }
  }

  private void notifyOutgoing(String event, Args args) {
    for (AnyListener l : anyOutgoing) {
      try {
        l.onEvent(event, args);
      } catch (RuntimeException e) {
        log.warn("socket {}: outgoing listener failed", id, e);
      }
    }
  }

  private void reportError(Throwable e) {
    if (errorListeners.isEmpty()) {
      log.debug("socket {}: {}", id, e.toString());
      return;
    }
    for (Consumer<Throwable> l : errorListeners) {
      try {
        l.accept(e);
      } catch (RuntimeException ex) {
        log.warn("socket {}: error listener failed", id, ex);
      }
    }
  }

  @Override
  public String toString() {
    return "Socket[" + nsp.name() + " " + id + "]";
  }

  /** An ack nobody will send (no handler, refused by a middleware): a draining client need not wait for it. */
  private static void abandon(Ack ack) {
    if (ack instanceof ClientAck a && a.sent.compareAndSet(false, true)) {
      a.client().ackAnswered();
    }
  }

  /** The answer to one client event; sent at most once. */
  private final class ClientAck implements Ack {
    private final long ackId;
    private final AtomicBoolean sent = new AtomicBoolean();

    ClientAck(long ackId) {
      this.ackId = ackId;
      client.ackRequested();
    }

    Client client() {
      return client;
    }

    @Override
    public boolean requested() {
      return true;
    }

    @Override
    public boolean send(Object... args) {
      if (!sent.compareAndSet(false, true)) {
        return false;
      }
      try {
        if (!connected) {
          return false;
        }
        ArrayNode payload = nsp.codec().eventArray(null, args);
        writeDirect(nsp.codec().encode(Packet.ack(nsp.name(), payload, ackId)), false);
        return true;
      } finally {
        client.ackAnswered(); // after the write: a draining client closes once its last ack is queued
      }
    }
  }
}
