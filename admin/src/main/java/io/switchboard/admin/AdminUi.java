package io.switchboard.admin;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandler;
import io.switchboard.engine.EngineSocket;
import io.switchboard.engine.Transport;
import io.switchboard.server.Args;
import io.switchboard.server.ConnectError;
import io.switchboard.server.Handshake;
import io.switchboard.server.InMemoryAdapter;
import io.switchboard.server.Namespace;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.RoomListener;
import io.switchboard.server.Server;
import io.switchboard.server.Socket;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the official Socket.IO Admin UI ({@code @socket.io/admin-ui} 0.5.1, the reference's
 * {@code instrument(io, opts)}): an admin namespace that the unchanged UI connects to, and the UI itself served by
 * the server.
 *
 * <pre>{@code
 * Server io = new Server(options);
 * AdminUi admin = AdminUi.instrument(io, AdminUiOptions.builder()
 *     .auth("admin", "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS")
 *     .build());
 * HttpServer.start(address, pipeline -> { pipeline.addLast(admin.newUiHandler()); io.configure(pipeline); });
 * // open http://localhost:3000/admin/ (or https://admin.socket.io), server URL http://localhost:3000
 * }</pre>
 *
 * <p>What the UI is sent, as by the reference: {@code config} (the features: {@code EMIT}, {@code JOIN},
 * {@code LEAVE}, {@code DISCONNECT} and their many-socket forms {@code MJOIN}, {@code MLEAVE}, {@code MDISCONNECT}
 * unless read-only; {@code AGGREGATED_EVENTS}; {@code ALL_EVENTS} in development mode), {@code session} after a
 * password sign-in, {@code server_stats} every two seconds, and in development mode {@code all_sockets} on
 * connection, then {@code socket_connected}, {@code socket_disconnected}, {@code room_joined}, {@code room_left},
 * {@code event_received} and {@code event_sent}. It may send {@code emit}, {@code join}, {@code leave} and
 * {@code _disconnect}, each for the sockets of a namespace, optionally only those in a room (a socket id for one
 * socket).
 *
 * <p>Everything goes through the server's adapter, as in the reference: with a cluster adapter (Redis) each server
 * emits its own stats and events to the admin namespace of the whole cluster, {@code all_sockets} is a cluster-wide
 * {@code fetchSockets}, and the commands reach every server, Node servers instrumented with the real package
 * included.
 */
public final class AdminUi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminUi.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_NAMESPACE_LENGTH = 256;

  private final Server io;
  private final AdminUiOptions options;
  private final Namespace admin;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Sessions sessions;
  private final List<String> features;
  private final boolean development;
  private final Map<String, Object> baseStats;
  private final ScheduledExecutorService timer;
  private final Map<Socket, String> newSessions = Collections.synchronizedMap(new WeakHashMap<>());
  private final AdminUiFiles files;
  private Set<String> lastSessions = Set.of();

  private AdminUi(Server io, AdminUiOptions options) {
    this.io = io;
    this.options = options;
    this.admin = io.of(options.namespaceName());
    this.sessions = new Sessions(options.maxSessions(), options.sessionDuration().toMillis());
    this.development = options.mode() == AdminUiOptions.Mode.DEVELOPMENT;
    List<String> f = new ArrayList<>();
    if (!options.readonly()) {
      f.addAll(List.of("EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT"));
    }
    f.add("AGGREGATED_EVENTS");
    if (development) {
      f.add("ALL_EVENTS");
    }
    this.features = List.copyOf(f);
    String hostname = hostname();
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("serverId", options.serverId() != null ? options.serverId() : hostname);
    base.put("hostname", hostname);
    base.put("pid", ProcessHandle.current().pid());
    this.baseStats = Collections.unmodifiableMap(base);
    this.files = options.uiPath() == null ? null : AdminUiFiles.load(options.uiPath());
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "switchboard-admin-stats");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Instruments {@code io}: creates the admin namespace with its authentication, watches every namespace (in
   * development mode) and starts the periodic stats. Call it once per server, before it listens, so that the admin
   * namespace and its authentication are there for the first connection.
   *
   * @param io the server to instrument
   * @param options the options; their authentication must be chosen
   * @return the instrumentation, to serve the UI ({@link #newUiHandler()}) and to {@link #close()} with the server
   * @throws IllegalArgumentException when the options chose no authentication, neither {@link
   *     AdminUiOptions.Builder#auth} nor {@link AdminUiOptions.Builder#noAuth}
   * @throws NullPointerException if an argument is null
   */
  public static AdminUi instrument(Server io, AdminUiOptions options) {
    Objects.requireNonNull(io, "io");
    Objects.requireNonNull(options, "options");
    if (!options.authDecided()) {
      throw new IllegalArgumentException("the auth option must be set (auth(user, bcryptHash)) or disabled (noAuth())");
    }
    AdminUi ui = new AdminUi(io, options);
    ui.start();
    return ui;
  }

  /** {@return the options it was instrumented with} */
  public AdminUiOptions options() {
    return options;
  }

  /** {@return the admin namespace the UI connects to} */
  public Namespace namespace() {
    return admin;
  }

  /** {@return this server's id in the UI: {@link AdminUiOptions#serverId()}, or else the host name} */
  public String serverId() {
    return (String) baseStats.get("serverId");
  }

  /**
   * A handler serving the UI's files at {@link AdminUiOptions#uiPath()} (GET only, with ETags) and passing every other
   * request on; add it to each connection's pipeline before {@link Server#configure}. Without a packaged UI (the
   * build ran without {@code npm ci} in {@code interop/}) or with {@code uiPath(null)} it passes everything on.
   *
   * @return a new handler, for one connection's pipeline
   */
  public ChannelHandler newUiHandler() {
    return files == null ? AdminUiFiles.passThrough() : files.newHandler();
  }

  /** {@return whether the UI's files are served: the build packaged them and {@code uiPath} is not {@code null}} */
  public boolean servesUi() {
    return files != null;
  }

  /** Stops the periodic stats (the namespace stays). */
  @Override
  public void close() {
    timer.shutdownNow();
  }

  // ---- setup ----

  private void start() {
    // its handlers block: the login checks a bcrypt hash (deliberately slow CPU work), the session store may be
    // remote, and commands reach every node of a cluster; the few admin clients can afford the executor's hop
    admin.blocking();
    if (options.auth() == null) {
      log.warn("Admin UI at {} without authentication: anyone who reaches it controls every socket",
          admin.name());
    } else {
      admin.use(this::authenticate);
    }
    admin.onConnection(this::onAdminConnection);
    if (development) {
      io.onNewNamespace(this::watch);
      for (Namespace nsp : io.namespaces()) {
        watch(nsp);
      }
    }
    long every = options.statsInterval().toMillis();
    timer.scheduleAtFixedRate(this::emitStats, 0, every, TimeUnit.MILLISECONDS);
    log.info("Admin UI namespace {} as server {} ({}, {}{})", admin.name(), serverId(), options.mode(),
        options.readonly() ? "read-only" : "read-write", files != null ? ", UI at " + options.uiPath() : "");
  }

  private void authenticate(Socket socket, io.switchboard.server.Next next) {
    Map<String, Object> auth = socket.handshake().auth();
    if (auth.get("sessionId") instanceof String sid && sessions.valid(sid)) {
      next.proceed();
      return;
    }
    AdminUiOptions.BasicAuth basic = options.auth();
    if (basic.username().equals(auth.get("username")) && auth.get("password") instanceof String password
        && BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
            basic.passwordHash().getBytes(StandardCharsets.UTF_8)).verified) {
      String sid = randomId();
      sessions.save(sid);
      newSessions.put(socket, sid);
      next.proceed();
      return;
    }
    next.fail(new ConnectError("invalid credentials"));
  }

  private void onAdminConnection(Socket socket) {
    String sid = newSessions.remove(socket);
    if (sid != null) {
      socket.emit("session", sid);
    }
    if (!options.readonly()) {
      socket.on("emit", (args, ack) -> onEmit(args));
      socket.on("join", (args, ack) -> onRooms(args, true));
      socket.on("leave", (args, ack) -> onRooms(args, false));
      socket.on("_disconnect", (args, ack) -> onDisconnect(args));
    }
    socket.emit("config", Map.of("supportedFeatures", features));
    if (development) {
      allSockets().whenComplete((list, err) -> {
        if (err != null) {
          log.warn("all_sockets: fetchSockets failed", err);
          return;
        }
        socket.emit("all_sockets", list);
      });
    }
  }

  // ---- commands ----

  private Namespace target(Args args) {
    String name = args.size() > 0 && args.node(0).isTextual() ? args.node(0).asText() : null;
    if (name == null || !name.startsWith("/") || name.length() > MAX_NAMESPACE_LENGTH) {
      return null;
    }
    return io.of(name);
  }

  private static String filter(Args args, int i) {
    return args.size() > i && args.node(i).isTextual() && !args.node(i).asText().isEmpty()
        ? args.node(i).asText() : null;
  }

  private void onEmit(Args args) {
    Namespace nsp = target(args);
    if (nsp == null || args.size() < 3 || !args.node(2).isTextual()) {
      return;
    }
    String filter = filter(args, 1);
    Object[] rest = args.nodes().subList(3, args.size()).toArray();
    if (filter == null) {
      nsp.emit(args.node(2).asText(), rest);
    } else {
      nsp.in(filter).emit(args.node(2).asText(), rest);
    }
  }

  private void onRooms(Args args, boolean join) {
    Namespace nsp = target(args);
    if (nsp == null || args.size() < 2 || !args.node(1).isTextual()) {
      return;
    }
    String room = args.node(1).asText();
    String filter = filter(args, 2);
    if (join) {
      if (filter == null) {
        nsp.socketsJoin(room);
      } else {
        nsp.in(filter).socketsJoin(room);
      }
    } else if (filter == null) {
      nsp.socketsLeave(room);
    } else {
      nsp.in(filter).socketsLeave(room);
    }
  }

  private void onDisconnect(Args args) {
    Namespace nsp = target(args);
    if (nsp == null) {
      return;
    }
    boolean close = args.size() > 1 && args.node(1).asBoolean(false);
    String filter = filter(args, 2);
    if (filter == null) {
      nsp.disconnectSockets(close);
    } else {
      nsp.in(filter).disconnectSockets(close);
    }
  }

  // ---- development mode: every namespace watched ----

  private void watch(Namespace nsp) {
    String name = nsp.name();
    nsp.onConnection(socket -> {
      admin.emit("socket_connected", serialize(socket, name), now());
      if (nsp != admin) {
        socket.onAny((event, args) -> admin.emit("event_received", name, socket.id(), eventArgs(event, args), now()));
        socket.onAnyOutgoing((event, args) -> admin.emit("event_sent", name, socket.id(), eventArgs(event, args),
            now()));
      }
      socket.onDisconnect((reason, description) ->
          admin.emit("socket_disconnected", name, socket.id(), reason.text(), now()));
    });
    if (nsp.adapter() instanceof InMemoryAdapter rooms) {
      rooms.addRoomListener(new RoomListener() {
        @Override
        public void joined(String room, String id) {
          admin.emit("room_joined", name, room, id, now());
        }

        @Override
        public void left(String room, String id) {
          admin.emit("room_left", name, room, id, now());
        }
      });
    } else {
      log.warn("namespace {}: adapter {} tells no room changes; the Admin UI sees them only on reload", name,
          nsp.adapter().getClass().getName());
    }
  }

  private ArrayNode eventArgs(String event, Args args) {
    ArrayNode a = mapper.createArrayNode();
    a.add(event);
    for (JsonNode n : args.nodes()) {
      a.add(n);
    }
    return a;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  // ---- sockets ----

  /** Every socket of every namespace in the cluster, serialized as the UI reads them. */
  CompletableFuture<List<ObjectNode>> allSockets() {
    List<CompletableFuture<List<ObjectNode>>> parts = new ArrayList<>();
    for (Namespace nsp : io.namespaces()) {
      Map<String, Socket> local = nsp.sockets();
      parts.add(nsp.fetchSockets().toCompletableFuture().thenApply(list -> {
        List<ObjectNode> out = new ArrayList<>(list.size());
        for (RemoteSocket s : list) {
          out.add(serialize(new Details(s.id(), s.handshake(), s.rooms(), s.data()), nsp.name(), local.get(s.id())));
        }
        return out;
      }));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<ObjectNode> all = new ArrayList<>();
      for (CompletableFuture<List<ObjectNode>> p : parts) {
        all.addAll(p.join());
      }
      return all;
    });
  }

  private record Details(String id, Handshake handshake, Set<String> rooms, Object data) {}

  private ObjectNode serialize(Socket local, String nsp) {
    return serialize(new Details(local.id(), local.handshake(), local.rooms(), local.data()), nsp, local);
  }

  private ObjectNode serialize(Details d, String nsp, Socket local) {
    ObjectNode o = mapper.createObjectNode();
    JsonNode data = d.data() == null ? mapper.createObjectNode() : mapper.valueToTree(d.data());
    String clientId = null;
    String transport = null;
    if (local != null) {
      String conn = local.connectionId();
      clientId = conn.length() > 12 ? conn.substring(0, 12) : conn;
      transport = local.transport() == Transport.WEBSOCKET ? "websocket" : "polling";
    } else if (data instanceof ObjectNode obj && obj.get("_admin") instanceof ObjectNode adm) {
      clientId = adm.path("clientId").asText(null);     // a socket of a Node server instrumented by the package
      transport = adm.path("transport").asText(null);
    }
    if (data instanceof ObjectNode obj && obj.has("_admin")) {
      obj = obj.deepCopy();
      obj.remove("_admin");
      data = obj;
    }
    o.put("id", d.id());
    o.put("clientId", clientId);
    o.put("transport", transport);
    o.put("nsp", nsp);
    o.set("data", data);
    Handshake h = d.handshake();
    ObjectNode hs = o.putObject("handshake");
    if (h != null) {
      Map<String, String> headers = h.headers();
      String address = headers.getOrDefault("cf-connecting-ip", headers.getOrDefault("x-forwarded-for",
          h.address()));
      hs.put("address", address);
      hs.set("headers", mapper.valueToTree(headers));
      hs.set("query", mapper.valueToTree(h.query()));
      hs.put("issued", h.issued());
      hs.put("secure", h.secure());
      hs.put("time", h.time().toString());
      hs.put("url", h.url());
      hs.put("xdomain", h.xdomain());
    }
    ArrayNode rooms = o.putArray("rooms");
    for (String r : d.rooms()) {
      rooms.add(r);
    }
    return o;
  }

  // ---- stats ----

  private void emitStats() {
    try {
      admin.emit("server_stats", stats());
    } catch (RuntimeException e) {
      log.warn("server_stats failed", e);
    }
  }

  /** This server's stats, as the reference sends them. */
  Map<String, Object> stats() {
    long second = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
    int polling = 0;
    Set<String> current = new HashSet<>();
    for (EngineSocket s : io.engine().sockets()) {
      current.add(s.id());
      if (s.transport() == Transport.POLLING) {
        polling++;
      }
    }
    int opened = 0;
    for (String id : current) {
      if (!lastSessions.contains(id)) {
        opened++;
      }
    }
    int closed = 0;
    for (String id : lastSessions) {
      if (!current.contains(id)) {
        closed++;
      }
    }
    lastSessions = current;
    List<AggregatedEvent> aggregated = new ArrayList<>();
    if (opened > 0) {
      aggregated.add(new AggregatedEvent(second, "rawConnection", opened));
    }
    if (closed > 0) {
      aggregated.add(new AggregatedEvent(second, "rawDisconnection", closed));
    }
    List<NamespaceDetails> namespaces = new ArrayList<>();
    for (Namespace nsp : io.namespaces()) {
      namespaces.add(new NamespaceDetails(nsp.name(), nsp.sockets().size()));
    }
    Map<String, Object> stats = new LinkedHashMap<>(baseStats);
    stats.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    stats.put("clientsCount", io.engine().clientsCount());
    stats.put("pollingClientsCount", polling);
    stats.put("aggregatedEvents", aggregated);
    stats.put("namespaces", namespaces);
    return stats;
  }

  /** One namespace in {@code server_stats}. */
  record NamespaceDetails(String name, int socketsCount) {}

  /** A count of one kind of event in one second, in {@code server_stats}. */
  record AggregatedEvent(long timestamp, String type, int count) {}

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "localhost";
    }
  }

  private static String randomId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Signed-in sessions: bounded in count and age. */
  private static final class Sessions {
    private final int max;
    private final long ttlMillis;
    private final LinkedHashMap<String, Long> expiry = new LinkedHashMap<>();

    Sessions(int max, long ttlMillis) {
      this.max = max;
      this.ttlMillis = ttlMillis;
    }

    synchronized void save(String id) {
      expiry.put(id, System.currentTimeMillis() + ttlMillis);
      while (expiry.size() > max) {
        expiry.remove(expiry.keySet().iterator().next());
      }
    }

    synchronized boolean valid(String id) {
      Long until = expiry.get(id);
      if (until == null) {
        return false;
      }
      if (until < System.currentTimeMillis()) {
        expiry.remove(id);
        return false;
      }
      return true;
    }
  }
}
