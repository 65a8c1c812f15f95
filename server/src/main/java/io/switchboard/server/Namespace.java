package io.switchboard.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.engine.Logs;
import io.switchboard.server.cluster.RestoredSession;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace: a channel of the connection with its own sockets, rooms, middlewares and handlers.
 *
 * <pre>{@code
 * Namespace admin = io.of("/admin");
 * admin.use((socket, next) -> { if (isAdmin(socket)) next.proceed(); else next.fail(new ConnectError("no")); });
 * admin.onConnection(socket -> socket.emit("hello", "admin"));
 * admin.to("ops").emit("alert", "disk full");
 * }</pre>
 */
public sealed class Namespace permits ParentNamespace {
  private static final Logger log = LoggerFactory.getLogger(Namespace.class);
  private static final Logger recoveryLog = LoggerFactory.getLogger(Logs.RECOVERY);
  private final Logs.Limiter recoveryLines = new Logs.Limiter(10, java.util.concurrent.TimeUnit.SECONDS);

  private final Server server;
  private final String name;
  private final ParentNamespace parent;
  private final Adapter adapter;
  private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
  private final Map<String, Recipient> plainMembers = new ConcurrentHashMap<>(); // plain WebSocket and SSE clients
  private final List<Middleware> middlewares = new CopyOnWriteArrayList<>();
  private final List<Consumer<Socket>> connectionHandlers = new CopyOnWriteArrayList<>();
  private final Map<String, List<EventHandler>> serverSideHandlers = new ConcurrentHashMap<>();
  private final AtomicLong ackIds = new AtomicLong();
  final NamespaceStats stats;
  // what is known of the handlers that may block (HandlerDispatch.ADAPTIVE): per event name, bounded
  private static final int MAX_TRACKS = 256;
  private static final int MAX_TRACKED_NAME = 128;
  private final Map<String, Dispatcher.Track> tracks = new ConcurrentHashMap<>();
  private final Dispatcher.Track connectionTrack;
  private final Dispatcher.Track overflowTrack;
  private volatile boolean allBlocking;

  Namespace(Server server, String name, ParentNamespace parent, Function<Namespace, Adapter> adapterFactory) {
    this.server = server;
    this.name = name;
    this.parent = parent;
    this.adapter = adapterFactory.apply(this);
    // after the adapter, so that binders see its cluster statistics; a parent is never joined: its children have
    // stats of their own
    this.stats = this instanceof ParentNamespace ? new NamespaceStats(this, null) : server.stats().register(this);
    this.connectionTrack = new Dispatcher.Track("the connection of namespace " + name,
        ": io.of(\"" + name + "\").blocking()");
    this.overflowTrack = new Dispatcher.Track("events of namespace " + name + " (too many names to tell apart)",
        ": io.of(\"" + name + "\").blocking(...)");
    if (parent != null && ((Namespace) parent).allBlocking) {
      blocking();
    }
  }

  /** {@return the name, starting with {@code /}} */
  public String name() {
    return name;
  }

  /** {@return the server} */
  public Server server() {
    return server;
  }

  /** {@return the adapter holding this namespace's rooms} */
  public Adapter adapter() {
    return adapter;
  }

  /** {@return the live counters of this namespace on this server (what metrics binders read)} */
  public NamespaceStats stats() {
    return stats;
  }

  /**
   * Adds a middleware run for each socket before it connects (the reference's {@code nsp.use(...)}); middlewares run
   * in the order they were added, those of a dynamic namespace's parent first.
   *
   * @param middleware runs in the client's order (where: {@link HandlerDispatch}; declare the namespace {@link
   *     #blocking()} if it may block) and may refuse the socket
   * @return this namespace
   */
  public Namespace use(Middleware middleware) {
    middlewares.add(middleware);
    return this;
  }

  /**
   * Handles each socket that connected, after the middlewares (the reference's {@code nsp.on("connection", ...)});
   * handlers run in the order they were added, those of a dynamic namespace's parent first.
   *
   * @param handler runs in the client's order (where: {@link HandlerDispatch}; declare the namespace {@link
   *     #blocking()} if it may block), once the client has been told it is connected; an exception it
   *     throws is logged
   * @return this namespace
   */
  public Namespace onConnection(Consumer<Socket> handler) {
    connectionHandlers.add(handler);
    return this;
  }

  /**
   * Declares that every handler of this namespace may block: its connection middlewares and handlers, event
   * middlewares and handlers, and listeners. With {@link HandlerDispatch#ADAPTIVE}, a client moves to the handler
   * executor when it connects to this namespace, before any of them runs. Declared on a dynamic namespace's parent,
   * it holds for the children created from then on. Without it, connection middlewares and handlers run on the I/O
   * thread until they are seen blocking: declare a namespace whose middleware looks a user up in a database.
   *
   * @return this namespace
   */
  public Namespace blocking() {
    allBlocking = true;
    connectionTrack.declare();
    overflowTrack.declare();
    tracks.values().forEach(Dispatcher.Track::declare);
    return this;
  }

  /**
   * Declares that the handlers of these events may block (JDBC, a remote call, a lock). With {@link
   * HandlerDispatch#ADAPTIVE}, a client moves to the handler executor, for good, when it sends one of them, before its
   * handlers run; the client's events keep their order. Declared on a dynamic namespace's parent, it holds for the
   * children created from then on.
   *
   * @param events the event names
   * @return this namespace
   * @throws NullPointerException if an event name is null
   */
  public Namespace blocking(String... events) {
    for (String e : events) {
      java.util.Objects.requireNonNull(e, "event");
      tracks.computeIfAbsent(e, this::newTrack).declare();
    }
    return this;
  }

  /** Whether {@link #blocking()} or {@link #blocking(String...)} declared the event's handlers blocking. */
  boolean declaresBlocking(String event) {
    if (allBlocking) {
      return true;
    }
    Dispatcher.Track t = tracks.get(event);
    return t != null && t.blocking;
  }

  /** The track of an event's handlers; one shared track past {@code MAX_TRACKS} names. */
  Dispatcher.Track eventTrack(String event) {
    Dispatcher.Track t = tracks.get(event);
    if (t != null) {
      return t;
    }
    if (tracks.size() >= MAX_TRACKS || event.length() > MAX_TRACKED_NAME) {
      return overflowTrack; // a client's made-up names cost the namespace at most MAX_TRACKS short entries
    }
    return tracks.computeIfAbsent(event, this::newTrack);
  }

  private Dispatcher.Track newTrack(String event) {
    Dispatcher.Track t = new Dispatcher.Track("event \"" + event + "\" of namespace " + name,
        ": io.of(\"" + name + "\").blocking(\"" + event + "\")");
    if (allBlocking || parent != null && parent.declaresBlocking(event)) {
      t.declare();
    }
    return t;
  }

  /** The track of the connection middlewares and handlers. */
  Dispatcher.Track connectionTrack() {
    return connectionTrack;
  }

  /** {@return the connected sockets on this server, by id} */
  public Map<String, Socket> sockets() {
    Map<String, Socket> out = new LinkedHashMap<>();
    for (Socket s : sockets.values()) {
      if (s.connected()) {
        out.put(s.id(), s);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  // ---- broadcasting ----

  /**
   * Targets the sockets in these rooms: {@link BroadcastOperator#to(String...)} (the reference's {@code nsp.to(...)}).
   *
   * @param rooms the target rooms; a socket id targets that socket
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator to(String... rooms) {
    return newOperator(Set.of(), Set.of()).to(rooms);
  }

  /**
   * Same as {@link #to}: {@link BroadcastOperator#in(String...)} (the reference's {@code nsp.in(...)}).
   *
   * @param rooms the target rooms
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator in(String... rooms) {
    return to(rooms);
  }

  /**
   * Targets every socket but those in these rooms: {@link BroadcastOperator#except(String...)} (the reference's
   * {@code nsp.except(...)}).
   *
   * @param rooms the rooms whose sockets are left out
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator except(String... rooms) {
    return newOperator(Set.of(), Set.of()).except(rooms);
  }

  /**
   * Targets every socket, with compression allowed or not: {@link BroadcastOperator#compress(boolean)} (the
   * reference's {@code nsp.compress(...)}).
   *
   * @param compress whether the packet may be compressed; the default is {@code true}
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator compress(boolean compress) {
    return newOperator(Set.of(), Set.of()).compress(compress);
  }

  /**
   * Targets every socket, dropping the packet where the client cannot take it now:
   * {@link BroadcastOperator#asVolatile()} (the reference's {@code nsp.volatile}).
   *
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator asVolatile() {
    return newOperator(Set.of(), Set.of()).asVolatile();
  }

  /**
   * Targets every socket of this namespace on this server only: {@link BroadcastOperator#local()} (the reference's
   * {@code nsp.local}).
   *
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator local() {
    return newOperator(Set.of(), Set.of()).local();
  }

  /**
   * Targets every socket, with a timeout on the acknowledgements: {@link BroadcastOperator#timeout(Duration)} (the
   * reference's {@code nsp.timeout(ms)}).
   *
   * @param timeout how long {@link BroadcastOperator#emitWithAck} waits; {@code null} for no limit
   * @return a new operator with this setting (operators are immutable)
   */
  public BroadcastOperator timeout(Duration timeout) {
    return newOperator(Set.of(), Set.of()).timeout(timeout);
  }

  /**
   * Emits to every socket of the namespace, on every server of the cluster: {@link BroadcastOperator#emit} (the
   * reference's {@code nsp.emit(...)}).
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return {@code true} (as in the reference server)
   * @throws IllegalArgumentException if {@code event} is null or reserved ({@code connect}, {@code disconnect}…)
   */
  public boolean emit(String event, Object... args) {
    return newOperator(Set.of(), Set.of()).emit(event, args);
  }

  /**
   * Emits a {@code message} event to every socket of the namespace: {@link BroadcastOperator#send} (the reference's
   * {@code nsp.send(...)}).
   *
   * @param args the arguments, as for {@link #emit}
   * @return {@code true} (as in the reference server)
   */
  public boolean send(Object... args) {
    return emit("message", args);
  }

  /**
   * Emits to every socket and collects their answers, with no timeout: {@link BroadcastOperator#emitWithAck} (the
   * reference's {@code nsp.emitWithAck(...)}). Set one with {@link #timeout}.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return a stage that completes with the answers, one per answering client
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<List<Args>> emitWithAck(String event, Object... args) {
    return newOperator(Set.of(), Set.of()).emitWithAck(event, args);
  }

  /**
   * {@return every socket of the namespace, here or on other servers: {@link BroadcastOperator#fetchSockets()} (the
   * reference's {@code nsp.fetchSockets()})}
   */
  public CompletionStage<List<RemoteSocket>> fetchSockets() {
    return newOperator(Set.of(), Set.of()).fetchSockets();
  }

  /**
   * Makes every socket of the namespace join rooms: {@link BroadcastOperator#socketsJoin} (the reference's
   * {@code nsp.socketsJoin(...)}).
   *
   * @param rooms the room names
   */
  public void socketsJoin(String... rooms) {
    newOperator(Set.of(), Set.of()).socketsJoin(rooms);
  }

  /**
   * Makes every socket of the namespace leave rooms: {@link BroadcastOperator#socketsLeave} (the reference's
   * {@code nsp.socketsLeave(...)}).
   *
   * @param rooms the room names
   */
  public void socketsLeave(String... rooms) {
    newOperator(Set.of(), Set.of()).socketsLeave(rooms);
  }

  /**
   * Disconnects every socket of the namespace: {@link BroadcastOperator#disconnectSockets} (the reference's
   * {@code nsp.disconnectSockets(close)}).
   *
   * @param close whether to close their underlying connections too
   */
  public void disconnectSockets(boolean close) {
    newOperator(Set.of(), Set.of()).disconnectSockets(close);
  }

  // ---- server-side events ----

  /**
   * Sends an event to this namespace on the other servers of the cluster, whose {@link #onServerSideEmit} handlers
   * get it (the reference's {@code nsp.serverSideEmit(...)}); nothing happens on a single server.
   *
   * @param event the event name
   * @param args  the arguments, written as JSON by the server's Jackson mapper
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public void serverSideEmit(String event, Object... args) {
    Socket.checkEventName(event);
    adapter.serverSideEmit(event, codec().args(codec().eventArray(null, args), 0));
  }

  /**
   * Sends an event to the other servers and collects their acknowledgements (the reference's
   * {@code nsp.timeout(ms).serverSideEmitWithAck(...)}). Unlike the reference, servers that do not answer in time do
   * not fail the stage: it completes with the answers that came, and the adapter logs the silent servers.
   *
   * @param timeout how long to wait for the other servers; {@code null} for the adapter's request timeout
   * @param event   the event name
   * @param args    the arguments, written as JSON by the server's Jackson mapper
   * @return a stage that completes with one answer per answering server (the first argument its handler passed to
   *     {@link Ack#send}); at once with an empty list on a single server
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<List<Args>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
    Socket.checkEventName(event);
    return adapter.serverSideEmitWithAck(event, codec().args(codec().eventArray(null, args), 0), timeout);
  }

  /**
   * Handles an event another server sent with {@link #serverSideEmit} (the reference's {@code nsp.on(event, ...)}
   * for server-side events).
   *
   * @param event   the event name
   * @param handler runs on the handler executor; its {@link Ack} answers a {@link #serverSideEmitWithAck}, and is
   *     {@link Ack#NONE} otherwise
   * @return this namespace
   */
  public Namespace onServerSideEmit(String event, EventHandler handler) {
    serverSideHandlers.computeIfAbsent(event, k -> new CopyOnWriteArrayList<>()).add(handler);
    return this;
  }

  /** Delivers a server-side event from another server to the local handlers (called by cluster adapters). */
  void deliverServerSideEmit(String event, Args args, Ack ack) {
    List<EventHandler> list = serverSideHandlers.get(event);
    if (list == null) {
      return;
    }
    server.handlerExecutor().execute(() -> {
      for (EventHandler h : list) {
        try {
          h.handle(args, ack);
        } catch (Exception e) {
          log.warn("server-side handler of {} failed", event, e);
        }
      }
    });
  }

  // ---- package-private ----

  BroadcastOperator newOperator(Set<String> rooms, Set<String> except) {
    return new BroadcastOperator(this, adapter, rooms, except, BroadcastFlags.DEFAULT);
  }

  PayloadCodec codec() {
    return server.codec();
  }

  long nextAckId() {
    return ackIds.getAndIncrement();
  }

  boolean recoveryEnabled() {
    return server.options().connectionStateRecovery() != null;
  }

  Recipient routableSocket(String id) {
    Socket s = sockets.get(id);
    return s != null ? s : plainMembers.get(id);
  }

  Collection<Socket> routableSockets() {
    return sockets.values();
  }

  /** The plain WebSocket clients and event streams in this namespace on this server. */
  Collection<Recipient> plainMembers() {
    return plainMembers.values();
  }

  /** A plain client enters: from now on broadcasts to its rooms reach it. */
  void addPlain(Recipient member) {
    plainMembers.put(member.id(), member);
  }

  /** A plain client left. */
  void removePlain(Recipient member) {
    plainMembers.remove(member.id(), member);
  }

  ParentNamespace parent() {
    return parent;
  }

  /** Runs on the client's serial executor: recovery, middlewares, then connection. */
  void add(Client client, Map<String, Object> auth, Object authNode) {
    Handshake hs = Handshake.of(client.conn.request(), auth);
    ConnectionStateRecovery csr = server.options().connectionStateRecovery();
    if (csr != null && auth.get("pid") instanceof String pid) {
      String offset = auth.get("offset") instanceof String o ? o : null;
      server.stats().recoveryAttempts.increment();
      Socket recovered = restore(client, hs, pid, offset);
      if (recovered != null) {
        server.stats().recoverySuccesses.increment();
        if (recoveryLog.isDebugEnabled()) {
          try (var c = Logs.context(recovered.id(), name, client.conn.request().remoteAddress())) {
            recoveryLog.debug("session recovered");
          }
        }
        if (csr.skipMiddlewares()) {
          doConnect(client, recovered);
        } else {
          runMiddlewares(client, recovered);
        }
        return;
      }
    }
    if (csr != null && auth.get("pid") instanceof String && recoveryLog.isInfoEnabled() && recoveryLines.allow()) {
      try (var c = Logs.context(client.id(), name, client.conn.request().remoteAddress())) {
        recoveryLog.info("recovery failed: session unknown, expired or missing packets; a new session is given "
            + "({} failed so far, {} not logged since the last line)",
            server.stats().recoveryAttempts() - server.stats().recoverySuccesses(), recoveryLines.skipped());
      }
    }
    runMiddlewares(client, new Socket(this, client, hs, null));
  }

  private Socket restore(Client client, Handshake hs, String pid, String offset) {
    Function<RestoredSession, Socket> register = session -> {
      if (session == null) {
        return null;
      }
      Socket s = new Socket(this, client, hs, session);
      adapter.addAll(s.id(), session.rooms());
      sockets.put(s.id(), s);
      return s;
    };
    try {
      return adapter.restoreAndRegister(pid, offset, register);
    } catch (RuntimeException e) {
      recoveryLog.warn("session restore failed in {}", name, e);
      return null;
    }
  }

  private void runMiddlewares(Client client, Socket socket) {
    List<Middleware> all = new ArrayList<>();
    if (parent != null) {
      all.addAll(parent.middlewareList());
    }
    all.addAll(middlewares);
    List<Chain.Step> steps = new ArrayList<>(all.size());
    for (Middleware m : all) {
      steps.add(next -> m.handle(socket, next));
    }
    Chain.run(steps, client.serial, () -> doConnect(client, socket), err -> refuse(client, socket, err));
  }

  private void refuse(Client client, Socket socket, Throwable err) {
    stats.middlewareRefusals.increment();
    server.stats().count(ServerStats.ConnectFailure.MIDDLEWARE);
    forget(socket);
    client.connectDone(name);
    if (client.isClosed()) {
      return;
    }
    ObjectNode data = codec().mapper().createObjectNode();
    data.put("message", err.getMessage() == null ? err.toString() : err.getMessage());
    if (err instanceof ConnectError ce && ce.data() != null) {
      data.set("data", codec().toNode(ce.data()));
    }
    client.writePacket(new Packet(PacketType.CONNECT_ERROR, name, data, null));
  }

  private void forget(Socket socket) {
    if (sockets.remove(socket.id(), socket)) {
      adapter.delAll(socket.id());
    }
  }

  private void doConnect(Client client, Socket socket) {
    client.connectDone(name);
    if (client.isClosed() || socket.isClosed()) {
      forget(socket);
      return;
    }
    client.connected(socket);
    stats.connects.increment();
    sockets.put(socket.id(), socket);   // reachable first; broadcasts wait in the socket until its CONNECT is out
    socket.onConnect();
    List<Consumer<Socket>> handlers = new ArrayList<>();
    if (parent != null) {
      handlers.addAll(parent.connectionHandlerList());
    }
    handlers.addAll(connectionHandlers);
    for (Consumer<Socket> h : handlers) {
      try {
        h.accept(socket);
      } catch (RuntimeException e) {
        log.warn("connection handler of {} failed", name, e);
      }
    }
  }

  /** A socket left. */
  void remove(Socket socket) {
    sockets.remove(socket.id(), socket);
    if (parent != null && server.options().cleanupEmptyChildNamespaces() && sockets.isEmpty()) {
      server.removeChild(this);
    }
  }

  List<Middleware> middlewareList() {
    return middlewares;
  }

  List<Consumer<Socket>> connectionHandlerList() {
    return connectionHandlers;
  }

  @Override
  public String toString() {
    return "Namespace[" + name + "]";
  }
}
