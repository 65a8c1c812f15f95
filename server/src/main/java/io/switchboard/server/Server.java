package io.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelPipeline;
import io.switchboard.engine.EngineServer;
import io.switchboard.engine.HttpServer;
import io.switchboard.server.cluster.SessionAwareAdapter;
import io.switchboard.server.parser.DecoderLimits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Socket.IO server: the entry point that owns the namespaces and binds them to an Engine.IO server.
 *
 * <pre>{@code
 * Server io = new Server(ServerOptions.DEFAULT);
 * io.onConnection(socket -> {
 *   socket.on("chat message", (args, ack) -> io.emit("chat message", args.toArray()));
 * });
 * io.listen(new InetSocketAddress(3000));
 * }</pre>
 *
 * <p>Methods of the main namespace {@code "/"} ({@code use}, {@code onConnection}, {@code to}, {@code emit},
 * {@code fetchSockets}…) are available here directly, as in the reference server. To serve Socket.IO next to an
 * application's own routes on one port, call {@link #configure(ChannelPipeline)} from the application's pipeline
 * initializer instead of {@link #listen}.
 */
public final class Server implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final ServerOptions options;
  private final EngineServer engine;
  private final PayloadCodec codec;
  private final Executor handlerExecutor;
  private final ExecutorService ownedExecutor;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Namespace> nsps = new ConcurrentHashMap<>();
  private final List<ParentNamespace> parents = new CopyOnWriteArrayList<>();
  private final Set<Client> clients = ConcurrentHashMap.newKeySet();
  private final ServerStats stats = new ServerStats(this);
  private final AtomicInteger parentCount = new AtomicInteger();
  private final List<Consumer<Namespace>> namespaceListeners = new CopyOnWriteArrayList<>();
  private final ClientBundle bundle;
  private final Map<String, PlainRouter.Endpoint> plainEndpoints = new ConcurrentHashMap<>();
  private final List<PlainWebSocketEndpoint> webSocketEndpoints = new CopyOnWriteArrayList<>();
  private volatile HttpServer http;
  private volatile boolean closed;
  private final List<Consumer<Shutdown>> shutdownHooks = new CopyOnWriteArrayList<>();
  /** Completed once a close has started and every client is gone. */
  private final CompletableFuture<Void> allGone = new CompletableFuture<>();
  /** What is known of the handlers that run for no event (acks, disconnection, late middleware continuations). */
  private final Dispatcher.Track otherTrack = new Dispatcher.Track("disconnect listeners, ack callbacks or "
      + "asynchronous middleware continuations",
      ": Namespace.blocking() on their namespace, or HandlerDispatch.EXECUTOR");

  /** A server with the default options ({@link ServerOptions#DEFAULT}); see {@link #Server(ServerOptions)}. */
  public Server() {
    this(ServerOptions.DEFAULT);
  }

  /**
   * A server with these options and its main namespace {@code "/"}; it serves nothing until {@link #listen} or
   * {@link #configure}. It owns a timer thread and, without {@link ServerOptions#handlerExecutor()}, a handler
   * executor, which {@link #close()} stops.
   *
   * @param options the configuration
   * @throws NullPointerException if {@code options} is null
   */
  public Server(ServerOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    ObjectMapper mapper = options.objectMapper() != null ? options.objectMapper() : new ObjectMapper();
    int maxPayload = options.engine().maxHttpBufferSize();
    // one packet's text and attachments share maxHttpBufferSize, as if they had come in one message
    this.codec = new PayloadCodec(mapper, new DecoderLimits(options.maxAttachments(), options.maxJsonDepth(),
        maxPayload, maxPayload));
    if (options.handlerExecutor() != null) {
      this.handlerExecutor = options.handlerExecutor();
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = HandlerExecutors.newDefault();
      this.handlerExecutor = ownedExecutor;
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "switchboard-timer");
      t.setDaemon(true);
      return t;
    });
    this.bundle = options.serveClient() ? ClientBundle.load(options.path()) : null;
    this.engine = new EngineServer(options.engine());
    engine.onConnection(conn -> {
      if (closed) {
        conn.close();
        return;
      }
      clients.add(new Client(this, conn));
    });
    of(MAIN_NAMESPACE);
  }

  private static final String MAIN_NAMESPACE = "/";

  /** {@return the options} */
  public ServerOptions options() {
    return options;
  }

  /** {@return the live counters of this server and its namespaces (what metrics binders read)} */
  public ServerStats stats() {
    return stats;
  }

  /**
   * {@return the HTTP server started by {@link #listen}, or {@code null} (not listening, or serving in another
   * pipeline)}
   */
  public HttpServer httpServer() {
    return http;
  }

  /** {@return the Engine.IO server underneath} */
  public EngineServer engine() {
    return engine;
  }

  // ---- serving ----

  /**
   * Starts an HTTP server on {@code address} (port 0 picks a free one) serving Socket.IO at the path, with the
   * limits of {@link ServerOptions#http()}, and TLS when {@link ServerOptions#tls()} is set (the reference's
   * {@code io.listen(port)}). Returns once the socket is bound; if it cannot be (the port is taken), the bind error,
   * such as {@code java.net.BindException}, is thrown as it is, although checked.
   *
   * @param address where to listen
   * @return this server
   * @throws IllegalStateException if this server is listening already
   */
  public Server listen(InetSocketAddress address) {
    if (http != null) {
      throw new IllegalStateException("already listening on " + http.localAddress());
    }
    http = HttpServer.start(address, options.http(), this::configure);
    log.info("Socket.IO listening on {}{}{}", http.localAddress(), options.path(),
        http.tlsProvider() == null ? "" : " (TLS: " + http.tlsProvider() + ")");
    return this;
  }

  /**
   * Reads the TLS certificate of the server started by {@link #listen} again: new connections get it, open ones keep
   * theirs (see {@link HttpServer#reloadCertificates()}).
   *
   * @return whether the new certificate is in use ({@code false}: it could not be read or did not match its key, a
   *     warning is logged and the previous one stays)
   * @throws IllegalStateException when not listening, or without TLS
   */
  public boolean reloadCertificates() {
    HttpServer h = http;
    if (h == null) {
      throw new IllegalStateException("not listening");
    }
    return h.reloadCertificates();
  }

  /**
   * Starts an HTTP server on {@code port} on all interfaces, as {@link #listen(InetSocketAddress)} does.
   *
   * @param port the port; 0 picks a free one (see {@link #port()})
   * @return this server
   * @throws IllegalStateException if this server is listening already
   */
  public Server listen(int port) {
    return listen(new InetSocketAddress(port));
  }

  /**
   * {@return the port of the server started by {@link #listen}: the one it picked when asked for port 0}
   *
   * @throws IllegalStateException when not listening
   */
  public int port() {
    HttpServer h = http;
    if (h == null) {
      throw new IllegalStateException("not listening");
    }
    return h.port();
  }

  /**
   * Adds this server's handlers to a connection's pipeline, after the HTTP codec: the client bundle (when served) and
   * the Engine.IO handler. Requests for other paths go on to the handlers added after them.
   *
   * <p>Call it from the application's {@code ChannelInitializer}, for each connection, after the
   * {@code HttpServerCodec}. Add the {@link #webSocket} endpoints first: one added later does not reach the
   * connections configured before it.
   *
   * @param pipeline the connection's pipeline
   */
  public void configure(ChannelPipeline pipeline) {
    if (bundle != null) {
      pipeline.addLast(bundle.newHandler());
    }
    for (PlainWebSocketEndpoint ws : webSocketEndpoints) {
      pipeline.addLast(ws.engineEndpoint().newHandler());
    }
    pipeline.addLast(new PlainRouter(plainEndpoints));
    pipeline.addLast(engine.newHandler());
  }

  // ---- plain transports ----

  /**
   * Serves Server-Sent Events at {@code path} on this server's port: each admitted GET becomes an {@link EventStream}
   * in the rooms of {@link EventStreamOptions#namespace()}, which {@code onOpen} joins to rooms (it runs on the handler
   * executor, before the stream resumes from its {@code Last-Event-ID}, and may block). Broadcasts to its rooms reach
   * it from this server and the others of the cluster.
   *
   * <pre>{@code
   * io.sse("/events", EventStreamOptions.DEFAULT, stream -> stream.join("prices"));
   * io.to("prices").emit("price", Map.of("sym", "ACME", "px", 12.5));  // Socket.IO, plain WebSocket and SSE alike
   * }</pre>
   *
   * @param path    the path, starting with {@code /}, outside {@link ServerOptions#path()}
   * @param options the stream options
   * @param onOpen  called for each new stream
   * @return this server
   * @throws IllegalArgumentException if {@code path} has no leading {@code /}, has a query, or is under the Socket.IO
   *     path
   * @throws IllegalStateException    if an endpoint is at {@code path} already
   */
  public Server sse(String path, EventStreamOptions options, Consumer<EventStream> onOpen) {
    addEndpoint(new SseEndpoint(this, checkPath(path), Objects.requireNonNull(options, "options"),
        Objects.requireNonNull(onOpen, "onOpen")));
    return this;
  }

  /**
   * Serves plain WebSocket clients (RFC 6455, no Socket.IO framing) at {@code path} on this server's port: each
   * admitted upgrade becomes a {@link PlainWebSocket} in the rooms of {@link PlainWebSocketOptions#namespace()};
   * {@code onConnection} (on the handler executor, before the client's first message is handled) sets its handlers
   * and joins it to rooms. A broadcast reaches it as one text frame {@code {"event":…,"data":[…]}}.
   *
   * <pre>{@code
   * io.webSocket("/ws", PlainWebSocketOptions.DEFAULT, ws -> ws.onText(room -> ws.join(room)));
   * }</pre>
   *
   * @param path         the path, starting with {@code /}, outside {@link ServerOptions#path()}
   * @param options      the plain WebSocket options
   * @param onConnection called for each new client
   * @return this server
   * @throws IllegalArgumentException if {@code path} has no leading {@code /}, has a query, or is under the Socket.IO
   *     path
   * @throws IllegalStateException    if an endpoint is at {@code path} already
   */
  public Server webSocket(String path, PlainWebSocketOptions options, Consumer<PlainWebSocket> onConnection) {
    PlainWebSocketEndpoint e = new PlainWebSocketEndpoint(this, checkPath(path),
        Objects.requireNonNull(options, "options"), Objects.requireNonNull(onConnection, "onConnection"));
    synchronized (plainEndpoints) {
      if (plainEndpoints.containsKey(path) || webSocketEndpoints.stream().anyMatch(w -> w.path().equals(path))) {
        throw new IllegalStateException("an endpoint is already at " + path);
      }
      webSocketEndpoints.add(e);
    }
    return this;
  }

  private void addEndpoint(PlainRouter.Endpoint e) {
    synchronized (plainEndpoints) {
      if (plainEndpoints.containsKey(e.path())
          || webSocketEndpoints.stream().anyMatch(w -> w.path().equals(e.path()))) {
        throw new IllegalStateException("an endpoint is already at " + e.path());
      }
      plainEndpoints.put(e.path(), e);
    }
  }

  private String checkPath(String path) {
    if (path == null || !path.startsWith("/") || path.indexOf('?') >= 0) {
      throw new IllegalArgumentException("a path starts with / and has no query: " + path);
    }
    if (path.startsWith(options.path()) || (path + "/").equals(options.path())) {
      throw new IllegalArgumentException(path + " is under the Socket.IO path " + options.path());
    }
    return path;
  }

  // ---- namespaces ----

  /** {@return the main namespace {@code "/"} (the reference's {@code io.sockets})} */
  public Namespace sockets() {
    return of(MAIN_NAMESPACE);
  }

  /**
   * The namespace with this name, created if needed (the reference's {@code io.of(name)}); safe from any thread.
   *
   * @param name the name, with or without its leading {@code /}
   * @return the namespace
   */
  public Namespace of(String name) {
    String n = name.startsWith("/") ? name : "/" + name;
    Namespace existing = nsps.get(n);
    if (existing != null) {
      return existing;
    }
    Namespace created;
    synchronized (this) {
      existing = nsps.get(n);
      if (existing != null) {
        return existing;
      }
      created = new Namespace(this, n, null, this::createAdapter);
      created.adapter().init();
      nsps.put(n, created);
    }
    namespaceCreated(created);
    return created;
  }

  /**
   * Calls {@code listener} for each namespace created from now on, dynamic children included (the reference's
   * {@code new_namespace} event); {@link #namespaces()} gives those that exist already.
   *
   * @param listener called on the thread that created the namespace, right after; an exception it throws is logged
   * @return this server
   */
  public Server onNewNamespace(Consumer<Namespace> listener) {
    namespaceListeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  /** {@return the namespaces that exist now, dynamic children included (the reference's {@code io._nsps}): a copy} */
  public List<Namespace> namespaces() {
    return List.copyOf(nsps.values());
  }

  private void namespaceCreated(Namespace nsp) {
    for (Consumer<Namespace> l : namespaceListeners) {
      try {
        l.accept(nsp);
      } catch (RuntimeException e) {
        log.warn("new-namespace listener failed for {}", nsp.name(), e);
      }
    }
  }

  /**
   * Dynamic namespaces whose names match the whole pattern (the reference's {@code io.of(/regex/)}).
   *
   * @param pattern matched against the whole name, leading {@code /} included
   * @return the parent: its middlewares and handlers apply to every child it creates
   */
  public ParentNamespace of(Pattern pattern) {
    return of((name, auth) -> pattern.matcher(name).matches());
  }

  /**
   * Dynamic namespaces whose names (and {@code auth} payloads) the predicate accepts (the reference's
   * {@code io.of((name, auth, next) => ...)}). Parents are asked in the order they were created; the first that
   * accepts creates the child.
   *
   * @param predicate asked for each CONNECT to a namespace that does not exist
   * @return the parent: its middlewares and handlers apply to every child it creates
   */
  public ParentNamespace of(NamespacePredicate predicate) {
    ParentNamespace p = new ParentNamespace(this, "/_" + parentCount.getAndIncrement(), predicate);
    parents.add(p);
    return p;
  }

  // ---- the main namespace's methods ----

  /**
   * Adds a middleware to the main namespace: {@link Namespace#use} (the reference's {@code io.use(...)}).
   *
   * @param middleware runs for each socket before it joins {@code "/"}
   * @return this server
   */
  public Server use(Middleware middleware) {
    sockets().use(middleware);
    return this;
  }

  /**
   * Handles each socket that joins the main namespace: {@link Namespace#onConnection} (the reference's
   * {@code io.on("connection", ...)}).
   *
   * @param handler runs in each connected socket's order (where: {@link HandlerDispatch})
   * @return this server
   */
  public Server onConnection(Consumer<Socket> handler) {
    sockets().onConnection(handler);
    return this;
  }

  /**
   * Declares that every handler of the main namespace may block: {@link Namespace#blocking()}.
   *
   * @return this server
   */
  public Server blocking() {
    sockets().blocking();
    return this;
  }

  /**
   * Declares that the handlers of these events of the main namespace may block: {@link
   * Namespace#blocking(String...)}.
   *
   * @param events the event names
   * @return this server
   * @throws NullPointerException if an event name is null
   */
  public Server blocking(String... events) {
    sockets().blocking(events);
    return this;
  }

  /**
   * Targets the sockets of the main namespace in these rooms: {@link Namespace#to} (the reference's
   * {@code io.to(...)}).
   *
   * @param rooms the target rooms; a socket id targets that socket
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator to(String... rooms) {
    return sockets().to(rooms);
  }

  /**
   * Same as {@link #to}: {@link Namespace#in} (the reference's {@code io.in(...)}).
   *
   * @param rooms the target rooms
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator in(String... rooms) {
    return sockets().in(rooms);
  }

  /**
   * Targets the sockets of the main namespace but those in these rooms: {@link Namespace#except} (the reference's
   * {@code io.except(...)}).
   *
   * @param rooms the rooms whose sockets are left out
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator except(String... rooms) {
    return sockets().except(rooms);
  }

  /**
   * Targets the main namespace, with compression allowed or not: {@link Namespace#compress} (the reference's
   * {@code io.compress(...)}).
   *
   * @param compress whether the packet may be compressed; the default is {@code true}
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator compress(boolean compress) {
    return sockets().compress(compress);
  }

  /**
   * Targets the main namespace, dropping the packet where a client cannot take it now: {@link Namespace#asVolatile}
   * (the reference's {@code io.volatile}).
   *
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator asVolatile() {
    return sockets().asVolatile();
  }

  /**
   * Targets the main namespace on this server only: {@link Namespace#local} (the reference's {@code io.local}).
   *
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator local() {
    return sockets().local();
  }

  /**
   * Targets the main namespace, with a timeout on the acknowledgements: {@link Namespace#timeout} (the reference's
   * {@code io.timeout(ms)}).
   *
   * @param timeout how long {@link BroadcastOperator#emitWithAck} waits; {@code null} for no limit
   * @return a new operator (operators are immutable)
   */
  public BroadcastOperator timeout(Duration timeout) {
    return sockets().timeout(timeout);
  }

  /**
   * Emits to every socket of the main namespace, on every server of the cluster: {@link Namespace#emit} (the
   * reference's {@code io.emit(...)}).
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return {@code true} (as in the reference server)
   * @throws IllegalArgumentException if {@code event} is null or reserved ({@code connect}, {@code disconnect}…)
   */
  public boolean emit(String event, Object... args) {
    return sockets().emit(event, args);
  }

  /**
   * Emits a {@code message} event to every socket of the main namespace: {@link Namespace#send} (the reference's
   * {@code io.send(...)}).
   *
   * @param args the arguments, as for {@link #emit}
   * @return {@code true} (as in the reference server)
   */
  public boolean send(Object... args) {
    return sockets().send(args);
  }

  /**
   * Emits to every socket of the main namespace and collects their answers, with no timeout:
   * {@link Namespace#emitWithAck} (the reference's {@code io.emitWithAck(...)}). Set one with {@link #timeout}.
   *
   * @param event the event name
   * @param args  the arguments; {@code byte[]} and {@code ByteBuffer} go as binary
   * @return a stage that completes with the answers, one per answering client
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<List<Args>> emitWithAck(String event, Object... args) {
    return sockets().emitWithAck(event, args);
  }

  /**
   * {@return every socket of the main namespace, here or on other servers: {@link Namespace#fetchSockets()} (the
   * reference's {@code io.fetchSockets()})}
   */
  public CompletionStage<List<RemoteSocket>> fetchSockets() {
    return sockets().fetchSockets();
  }

  /**
   * Makes every socket of the main namespace join rooms: {@link Namespace#socketsJoin} (the reference's
   * {@code io.socketsJoin(...)}).
   *
   * @param rooms the room names
   */
  public void socketsJoin(String... rooms) {
    sockets().socketsJoin(rooms);
  }

  /**
   * Makes every socket of the main namespace leave rooms: {@link Namespace#socketsLeave} (the reference's
   * {@code io.socketsLeave(...)}).
   *
   * @param rooms the room names
   */
  public void socketsLeave(String... rooms) {
    sockets().socketsLeave(rooms);
  }

  /**
   * Disconnects every socket of the main namespace: {@link Namespace#disconnectSockets} (the reference's
   * {@code io.disconnectSockets(close)}).
   *
   * @param close whether to close their underlying connections too, and with them their sockets in other namespaces
   */
  public void disconnectSockets(boolean close) {
    sockets().disconnectSockets(close);
  }

  /**
   * Sends an event to the main namespace of the other servers of the cluster: {@link Namespace#serverSideEmit} (the
   * reference's {@code io.serverSideEmit(...)}).
   *
   * @param event the event name
   * @param args  the arguments
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public void serverSideEmit(String event, Object... args) {
    sockets().serverSideEmit(event, args);
  }

  /**
   * Sends an event to the other servers and collects their acknowledgements: {@link Namespace#serverSideEmitWithAck}
   * (the reference's {@code io.timeout(ms).serverSideEmitWithAck(...)}).
   *
   * @param timeout how long to wait for the other servers; {@code null} for the adapter's request timeout
   * @param event   the event name
   * @param args    the arguments
   * @return a stage that completes with one answer per answering server
   * @throws IllegalArgumentException if {@code event} is null or reserved
   */
  public CompletionStage<List<Args>> serverSideEmitWithAck(Duration timeout, String event, Object... args) {
    return sockets().serverSideEmitWithAck(timeout, event, args);
  }

  /**
   * Handles an event another server sent to the main namespace: {@link Namespace#onServerSideEmit} (the reference's
   * {@code io.on(event, ...)} for server-side events).
   *
   * @param event   the event name
   * @param handler runs on the handler executor
   * @return this server
   */
  public Server onServerSideEmit(String event, EventHandler handler) {
    sockets().onServerSideEmit(event, handler);
    return this;
  }

  /**
   * Told when a graceful close starts ({@link #close(Duration)} with a positive grace period), after the listening
   * socket is closed and before any client is told to go: an endpoint of the application's own (event streams, plain
   * WebSockets) ends its connections over {@link Shutdown#spread()} and may make the close wait for that with
   * {@link Shutdown#hold}. Hooks run in the order they were added, on the closing thread.
   *
   * @param hook called once per graceful close; an exception it throws is logged and the close goes on
   * @return this server
   */
  public Server onShutdown(Consumer<Shutdown> hook) {
    shutdownHooks.add(Objects.requireNonNull(hook, "hook"));
    return this;
  }

  /** {@return whether a close has started ({@link #close()} or {@link #close(Duration)}); never false again after} */
  public boolean isClosing() {
    return closed;
  }

  /**
   * Closes at once: every connection closes (sockets see "server shutting down", a WebSocket gets status 1001, an
   * official client reconnects), then the adapters and the HTTP server started by {@link #listen}. The same as
   * {@code close(Duration.ZERO)}.
   */
  @Override
  public void close() {
    close(Duration.ZERO);
  }

  /**
   * Closes gracefully, within {@code grace}, and returns when done: a rolling restart's step.
   *
   * <ol>
   *   <li>The listening socket of {@link #listen} closes (new connections are refused; an application that serves
   *       on its own {@code HttpServer} calls {@code HttpServer.stopAccepting()} first), and new Engine.IO sessions
   *       on connections still open get 503.</li>
   *   <li>The {@link #onShutdown} hooks run.</li>
   *   <li>The clients are told to go one by one, evenly spaced in a random order over the first half of
   *       {@code grace} ({@link Shutdown#spread()}), so that the servers they reconnect to are not hit at once. A
   *       client told to go gets no new event handled (what it sends from then on is dropped, unacknowledged); the
   *       events it sent before are handled, and once every acknowledgement they asked for is sent, its connection
   *       closes after what is queued is written. No DISCONNECT packet is sent: the client sees "transport close" and
   *       the official clients reconnect by themselves. Its sockets leave with "server shutting down", which
   *       connection state recovery counts as recoverable: the adapter persists the session, and a client that
   *       reconnects to another server of the cluster recovers it (with a cluster adapter that shares sessions).</li>
   *   <li>When every client is gone and the hooks' held work is done, or when {@code grace} has passed, what is left
   *       is closed as {@link #close()} does, then the adapters and the handler executor (running handlers get what
   *       is left of the grace period, at least 2 s).</li>
   * </ol>
   *
   * <p>A second call returns at once.
   *
   * @param grace how long to wait for the clients to go; {@link Duration#ZERO} closes at once
   * @throws NullPointerException     if {@code grace} is null
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public void close(Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    long start = System.nanoTime();
    if (!grace.isZero()) {
      drain(new Shutdown(grace, start));
    }
    for (Client c : new ArrayList<>(clients)) {
      try {
        c.shutdown();
      } catch (RuntimeException e) {
        log.debug("client {} could not be closed (its event loop is gone?): {}", c.id(), e.toString());
      }
    }
    for (PlainWebSocketEndpoint ws : webSocketEndpoints) {
      ws.close(); // 1001 to every plain WebSocket client
    }
    try {
      engine.close();
    } catch (RuntimeException e) {
      log.debug("engine close failed: {}", e.toString());
    }
    HttpServer h = http;
    if (h != null) {
      h.close();
    }
    for (Namespace n : nsps.values()) {
      n.adapter().close();
    }
    scheduler.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      long wait = Math.max(TimeUnit.SECONDS.toNanos(2), start + grace.toNanos() - System.nanoTime());
      try {
        if (!ownedExecutor.awaitTermination(wait, TimeUnit.NANOSECONDS)) {
          log.debug("handlers still running after the grace period; the executor is left to finish them");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Steps 1 to 3 of {@link #close(Duration)}, and the wait of step 4. */
  private void drain(Shutdown shutdown) {
    HttpServer h = http;
    if (h != null) {
      h.stopAccepting();
    }
    engine.drain();
    for (Consumer<Shutdown> hook : shutdownHooks) {
      try {
        hook.accept(shutdown);
      } catch (RuntimeException e) {
        log.warn("a shutdown hook failed", e);
      }
    }
    List<Client> going = new ArrayList<>(clients);
    Collections.shuffle(going);
    long[] offsets = Shutdown.offsets(going.size(), shutdown.spread().toNanos());
    log.info("shutting down: telling {} clients to go over {} ms, waiting at most {} ms", going.size(),
        shutdown.spread().toMillis(), shutdown.grace().toMillis());
    for (int i = 0; i < going.size(); i++) {
      Client c = going.get(i);
      try {
        scheduler.schedule(c::drain, offsets[i], TimeUnit.NANOSECONDS);
      } catch (RuntimeException e) {
        log.debug("client {} could not be scheduled to go: {}", c.id(), e.toString());
      }
    }
    checkGone();
    try {
      CompletableFuture.allOf(allGone, shutdown.held())
          .get(Math.max(0, shutdown.deadlineNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
      log.info("shut down gracefully: every client left");
    } catch (TimeoutException e) {
      List<String> left = new ArrayList<>();
      for (Client c : clients) {
        if (left.size() < 10) {
          left.add(c.drainState());
        }
      }
      log.info("shutting down: the grace period of {} ms is over, {} clients left to close: {}",
          shutdown.grace().toMillis(), clients.size(), left);
    } catch (ExecutionException e) {
      log.warn("shutting down: held work failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Completes {@link #allGone} once a close has started and no client is left. */
  private void checkGone() {
    if (closed && clients.isEmpty()) {
      allGone.complete(null);
    }
  }

  // ---- package-private ----

  PayloadCodec codec() {
    return codec;
  }

  Executor handlerExecutor() {
    return handlerExecutor;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  Dispatcher.Track otherTrack() {
    return otherTrack;
  }

  /**
   * The track a CONNECT to {@code name} runs under, without running anything: the namespace's connection track when
   * it exists, else a blocking one when a namespace predicate (which may block) must decide, else {@code null}.
   */
  Dispatcher.Track connectTrack(String name) {
    Namespace n = nsps.get(name);
    if (n != null) {
      return n.connectionTrack();
    }
    return parents.isEmpty() ? null : PREDICATES;
  }

  private static final Dispatcher.Track PREDICATES = Dispatcher.Track.declared("namespace predicates");

  Adapter createAdapter(Namespace nsp) {
    if (options.adapter() != null) {
      return options.adapter().create(nsp);
    }
    ConnectionStateRecovery csr = options.connectionStateRecovery();
    return csr != null ? new SessionAwareAdapter(nsp, csr) : new InMemoryAdapter(nsp);
  }

  /** The namespace for a CONNECT: an existing one, or a new child of the first parent that accepts the name. */
  Namespace resolveNamespace(String name, Map<String, Object> auth) {
    Namespace n = nsps.get(name);
    if (n != null) {
      return n;
    }
    for (ParentNamespace p : parents) {
      try {
        if (p.accepts(name, auth)) {
          Namespace child;
          synchronized (this) {
            child = nsps.get(name);
            if (child != null) {
              return child;
            }
            child = p.createChild(name);
            nsps.put(name, child);
          }
          namespaceCreated(child);
          return child;
        }
      } catch (Exception e) {
        log.warn("namespace predicate of {} failed for {}", p.name(), name, e);
      }
    }
    return null;
  }

  void removeChild(Namespace child) {
    synchronized (this) {
      if (!child.sockets().isEmpty() || !nsps.remove(child.name(), child)) {
        return;
      }
    }
    child.parent().removeChild(child);
    child.adapter().close();
    log.debug("empty dynamic namespace {} removed", child.name());
  }

  void removeClient(Client client) {
    clients.remove(client);
    if (closed) {
      checkGone();
    }
  }
}
