package io.switchboard.engine;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Engine.IO protocol v4 server: it owns the sessions and hands a new Netty handler to each HTTP connection.
 *
 * <pre>{@code
 * EngineServer engine = new EngineServer(EngineOptions.DEFAULT);
 * engine.onConnection(socket -> socket.listener(new EngineSocket.Listener() {
 *   public void onMessage(String text) { socket.send(text); }
 * }));
 * HttpServer http = HttpServer.start(new InetSocketAddress(3000), p -> p.addLast(engine.newHandler()));
 * }</pre>
 *
 * <p>Requests outside {@link EngineOptions#path()} pass to the next handler in the pipeline, so an application can
 * serve its own routes on the same port.
 */
public final class EngineServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EngineServer.class);

  private final EngineOptions options;
  private final ConcurrentMap<String, EngineSession> sessions = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, EngineSession> lingering = new ConcurrentHashMap<>();
  private volatile ConnectionListener connectionListener = socket -> {};
  private final WebSocketServerHandshakerFactory webSocketHandshakers;
  /** The same with RSV bits allowed: for connections that negotiated {@code permessage-deflate}. */
  private final WebSocketServerHandshakerFactory deflateWebSocketHandshakers;
  private final InputBudget inputBudget;
  private final InputGuard.Limits inputGuardLimits;
  private static final Logger connectionsLog = LoggerFactory.getLogger(Logs.CONNECTIONS);
  private static final Logger limitsLog = LoggerFactory.getLogger(Logs.LIMITS);
  private final LongAdder[] refusals = new LongAdder[Refusal.values().length];
  private final Logs.Limiter[] refusalLines = new Logs.Limiter[Refusal.values().length];
  private final LongAdder[] errors = new LongAdder[ErrorCode.values().length];
  private final LongAdder opened = new LongAdder();
  private final LongAdder upgrades = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private volatile boolean closed;
  private volatile boolean draining;

  /**
   * A server with no session yet, and a connection listener that does nothing until {@link #onConnection} sets one.
   *
   * @param options the configuration, such as {@link EngineOptions#DEFAULT}
   * @throws NullPointerException if {@code options} is null
   */
  public EngineServer(EngineOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.webSocketHandshakers = webSocketHandshakers(options, false);
    this.deflateWebSocketHandshakers = webSocketHandshakers(options, true);
    this.inputBudget = new InputBudget(options.maxBufferedInput());
    this.inputGuardLimits = InputGuard.Limits.of(this);
    for (int i = 0; i < refusals.length; i++) {
      refusals[i] = new LongAdder();
      refusalLines[i] = new Logs.Limiter(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new LongAdder();
    }
  }

  /**
   * The WebSocket handshakes of every upgrade, set up once: frames and messages are limited to
   * {@code maxHttpBufferSize}, text must be valid UTF-8 (checked by the transport once a message is whole, 1007 if not),
   * a protocol violation is answered with a close frame by Netty's decoder. The
   * {@link InputGuard} in front of Netty's decoder checks close frames itself: Netty 4.2 answers an invalid close code
   * by dropping the connection without a close frame, and takes codes of 5000 and more for valid ones. With
   * {@code extensions}, Netty's decoder lets reserved bits through: the {@link InputGuard} then allows RSV1 on the
   * first frame of a data message only.
   */
  private static WebSocketServerHandshakerFactory webSocketHandshakers(EngineOptions options, boolean extensions) {
    // the location only matters to the pre-RFC drafts, which are refused before the handshake
    return new WebSocketServerHandshakerFactory(options.path(), null, WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(options.maxHttpBufferSize())
        .allowExtensions(extensions)
        .closeOnProtocolViolation(true)
        .build());
  }

  /**
   * {@return the handshakes of WebSocket upgrades}
   *
   * @param deflate whether the upgrade negotiated {@code permessage-deflate} (reserved bits are then allowed)
   */
  WebSocketServerHandshakerFactory webSocketHandshakers(boolean deflate) {
    return deflate ? deflateWebSocketHandshakers : webSocketHandshakers;
  }

  /** {@return the configuration} */
  public EngineOptions options() {
    return options;
  }

  /** {@return the budget of unfinished input shared by all sessions ({@link EngineOptions#maxBufferedInput()})} */
  public InputBudget inputBudget() {
    return inputBudget;
  }

  /** The limits every WebSocket connection's {@link InputGuard} enforces, one copy for all of them. */
  InputGuard.Limits inputGuardLimits() {
    return inputGuardLimits;
  }

  /** {@return how often input was refused so far, by cause, and the traffic so far} */
  public EngineStats stats() {
    long[] counts = new long[refusals.length];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = refusals[i].sum();
    }
    long[] errs = new long[errors.length];
    for (int i = 0; i < errs.length; i++) {
      errs[i] = errors[i].sum();
    }
    return new EngineStats(counts, errs, opened.sum(), upgrades.sum(), bytesIn.sum(), bytesOut.sum());
  }

  /** Counts one refusal, and logs it on {@link Logs#LIMITS} (one line per cause every 10 s at most). */
  void count(Refusal refusal, Object who) {
    LongAdder n = refusals[refusal.ordinal()];
    n.increment();
    Logs.Limiter limiter = refusalLines[refusal.ordinal()];
    if (limitsLog.isInfoEnabled() && limiter.allow()) {
      limitsLog.info("limit hit: {} by {} ({} so far, {} not logged since the last line)", refusal, who, n.sum(),
          limiter.skipped());
    }
  }

  /** Counts one request answered with an Engine.IO error. */
  void count(ErrorCode error) {
    errors[error.ordinal()].increment();
  }

  void countUpgrade() {
    upgrades.increment();
  }

  void countIn(long bytes) {
    bytesIn.add(bytes);
  }

  void countOut(long bytes) {
    bytesOut.add(bytes);
  }

  /**
   * Sets the listener told of every new session, replacing any earlier one; like {@code server.on("connection")} of
   * a Node {@code engine.io} server, but one listener only. Set it before the server receives requests: sessions
   * opened before then are not told.
   *
   * @param listener the listener; not null
   * @throws NullPointerException if {@code listener} is null
   */
  public void onConnection(ConnectionListener listener) {
    this.connectionListener = Objects.requireNonNull(listener, "listener");
  }

  /** {@return a new handler for one HTTP connection; add it to the pipeline after the HTTP codec} */
  public ChannelHandler newHandler() {
    return new EngineHandler(this);
  }

  /** {@return the number of open sessions} */
  public int clientsCount() {
    return sessions.size();
  }

  /** {@return the open sessions} */
  public Collection<EngineSocket> sockets() {
    return Collections.unmodifiableCollection(new ArrayList<>(sessions.values()));
  }

  /**
   * {@return the open session with this id, or {@code null}}
   *
   * @param id a session id, as {@link EngineSocket#id()}; not null
   */
  public EngineSocket socket(String id) {
    return sessions.get(id);
  }

  /** Closes every session with {@link CloseReason#SERVER_SHUTTING_DOWN} and refuses new ones. */
  @Override
  public void close() {
    closed = true;
    for (EngineSession s : sessions.values()) {
      s.closeNow(CloseReason.SERVER_SHUTTING_DOWN, "server shutting down");
    }
  }

  /**
   * Starts a graceful shutdown: from now on a new session is refused with 503 ("Server shutting down"), and every
   * Engine.IO response closes its HTTP connection, so that a client's next attempt opens a new connection (which a
   * load balancer sends to another server). Open sessions go on until they are closed.
   */
  public void drain() {
    draining = true;
  }

  /** {@return whether {@link #drain()} or {@link #close()} was called} */
  public boolean isDraining() {
    return draining || closed;
  }

  boolean isClosed() {
    return closed;
  }

  EngineSession session(String id) {
    EngineSession s = sessions.get(id);
    return s != null ? s : lingering.get(id);
  }

  void register(EngineSession session) {
    sessions.put(session.id(), session);
    opened.increment();
    if (connectionsLog.isDebugEnabled()) {
      try (var c = Logs.context(session.id(), null, session.request().remoteAddress())) {
        connectionsLog.debug("session opened over {}", session.transport());
      }
    }
    try {
      connectionListener.onConnection(session);
    } catch (RuntimeException e) {
      log.warn("connection listener failed for session {}", session.id(), e);
    }
  }

  /** Keeps a closed session findable for a moment (see {@code EngineSession.closeByClient}); no listener is told. */
  void relink(EngineSession session) {
    lingering.put(session.id(), session);
  }

  void unregister(EngineSession session) {
    sessions.remove(session.id(), session);
    lingering.remove(session.id(), session);
  }

  /** A new session id: 144 random bits, URL-safe base64. */
  static String newSessionId() {
    return Ids.base64Url(18);
  }
}
