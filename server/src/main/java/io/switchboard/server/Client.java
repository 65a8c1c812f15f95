package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.engine.CloseReason;
import io.switchboard.engine.EngineMessage;
import io.switchboard.engine.EngineSocket;
import io.switchboard.engine.InputBudget;
import io.switchboard.engine.Logs;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketDecoder;
import io.switchboard.server.parser.PacketType;
import io.switchboard.server.parser.ProtocolViolationException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Engine.IO connection seen from Socket.IO: it decodes packets, multiplexes them to one socket per namespace, and
 * closes the connection on bad input ("parse error"), on a packet for a namespace it has not joined, when no namespace
 * is joined within {@code connectTimeout}, when it sends more than {@code preConnectInputLimit} before that, or when a
 * binary packet's attachments do not all arrive within {@code attachmentTimeout}. The bytes of a binary packet waiting
 * for its attachments are reserved from the server-wide {@link InputBudget} until the packet is complete or dropped.
 */
final class Client implements EngineSocket.Listener {
  private static final Logger log = LoggerFactory.getLogger(Client.class);
  private static final Logger limitsLog = LoggerFactory.getLogger(Logs.LIMITS);
  private static final Logs.Limiter PRE_CONNECT_LINES = new Logs.Limiter(10, TimeUnit.SECONDS);
  private static final Dispatcher.Track RECOVERY = Dispatcher.Track.declared("session recovery");

  private final Server server;
  final EngineSocket conn;
  final Dispatcher serial;  // the client's handler order, on its event loop or the handler executor
  private final PacketDecoder decoder;
  private final InputBudget budget;
  // copy-on-write: immutable, replaced on the serial executor under this client's lock; read from any thread
  private volatile Map<String, Socket> byNamespace = Map.of();
  private Set<String> connecting; // serial executor only; null while no CONNECT is in progress
  // namespaces the server disconnected this client from: packets the client sent before it saw the DISCONNECT are
  // dropped rather than taken for a protocol violation. Created on first use; written on the serial executor only.
  private volatile Set<String> left;
  private volatile ScheduledFuture<?> connectTimer; // dropped once cancelled
  private volatile DisconnectReason closeReason;
  private volatile boolean closed;
  private volatile boolean trusted;  // a namespace CONNECT has succeeded
  // graceful shutdown: set on the event loop; new events and CONNECTs are dropped from then on
  private volatile boolean draining;
  // acknowledgements the client asked for and the application has not sent yet
  private volatile int unanswered;
  private static final AtomicIntegerFieldUpdater<Client> UNANSWERED =
      AtomicIntegerFieldUpdater.newUpdater(Client.class, "unanswered");
  // on the event loop only:
  private long untrustedInput;       // characters and bytes received while not trusted
  private long reserved;             // bytes reserved from the budget for the packet awaiting attachments
  private ScheduledFuture<?> attachmentTimer;

  Client(Server server, EngineSocket conn) {
    this.server = server;
    this.conn = conn;
    this.serial = new Dispatcher(server, conn.executor());
    this.decoder = server.codec().newDecoder();
    this.budget = conn.inputBudget();
    long timeout = server.options().connectTimeout().toNanos();
    this.connectTimer = conn.executor().schedule(this::onConnectTimeout, timeout, TimeUnit.NANOSECONDS);
    conn.listener(this);
  }

  private void cancelConnectTimer() {
    ScheduledFuture<?> t = connectTimer;
    if (t != null) {
      t.cancel(false);
      connectTimer = null;
    }
  }

  String id() {
    return conn.id();
  }

  // ---- engine events (on the session's event loop) ----

  @Override
  public void onMessage(String text) {
    if (closed || !admit(text.length())) {
      return;
    }
    try {
      Packet p = decoder.decode(text);
      if (p != null) {
        onPacket(p);
      } else if (reserve(text.length())) {
        // a binary packet now waits for its attachments, and is held until they all came or time ran out
        attachmentTimer = conn.executor().schedule(this::onAttachmentTimeout,
            server.options().attachmentTimeout().toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (ProtocolViolationException e) {
      onParseError(e);
    } catch (RuntimeException e) {
      onFailure(e);
    }
  }

  @Override
  public void onBinary(byte[] data) {
    if (closed || !admit(data.length)) {
      return;
    }
    try {
      if (decoder.isReconstructing() && !reserve(data.length)) {
        return;
      }
      Packet p = decoder.decodeBinary(data);
      if (p != null) {
        stopWaiting();
        onPacket(p);
      }
    } catch (ProtocolViolationException e) {
      onParseError(e);
    } catch (RuntimeException e) {
      onFailure(e);
    }
  }

  /** Counts input received before the first CONNECT succeeded; false (and the client closed) past the limit. */
  private boolean admit(int size) {
    if (trusted) {
      return true;
    }
    untrustedInput += size;
    if (untrustedInput <= server.options().preConnectInputLimit()) {
      return true;
    }
    server.stats().count(ServerStats.ConnectFailure.PRE_CONNECT_LIMIT);
    if (limitsLog.isInfoEnabled() && PRE_CONNECT_LINES.allow()) {
      try (var c = Logs.context(conn.id(), null, conn.request().remoteAddress())) {
        limitsLog.info("limit hit: preConnectInputLimit {} ({} so far, {} not logged since the last line)",
            server.options().preConnectInputLimit(),
            server.stats().connectFailures(ServerStats.ConnectFailure.PRE_CONNECT_LIMIT), PRE_CONNECT_LINES.skipped());
      }
    }
    drop(DisconnectReason.FORCED_SERVER_CLOSE);
    return false;
  }

  /** Reserves the input held for a packet awaiting attachments; false (and the client closed) when refused. */
  private boolean reserve(int size) {
    if (budget.tryReserve(size)) {
      reserved += size;
      return true;
    }
    log.debug("client {}: the server holds too much unfinished input ({}), closing", conn.id(), budget);
    drop(DisconnectReason.FORCED_SERVER_CLOSE);
    return false;
  }

  /** No packet awaits attachments any more: stops its timer and gives back its reservation. */
  private void stopWaiting() {
    if (attachmentTimer != null) {
      attachmentTimer.cancel(false);
      attachmentTimer = null;
    }
    if (reserved > 0) {
      budget.release(reserved);
      reserved = 0;
    }
  }

  /** Drops any half-received packet and closes this client. */
  private void drop(DisconnectReason reason) {
    stopWaiting();
    decoder.reset();
    close(reason);
  }

  private void onAttachmentTimeout() {
    attachmentTimer = null;
    if (closed || !decoder.isReconstructing()) {
      return;
    }
    log.debug("client {}: attachments still missing after {}, closing", conn.id(),
        server.options().attachmentTimeout());
    drop(DisconnectReason.PARSE_ERROR);
  }

  private void onFailure(RuntimeException e) {
    log.warn("client {}: unexpected failure on input, closing it", conn.id(), e);
    drop(DisconnectReason.PARSE_ERROR);
  }

  @Override
  public void onClose(CloseReason reason, String description) {
    closed = true;
    cancelConnectTimer();
    stopWaiting();
    decoder.reset();
    DisconnectReason r = closeReason != null ? closeReason : DisconnectReason.of(reason);
    String desc = closeReason != null ? r.text() : description;
    server.removeClient(this);
    serial.execute(() -> {
      for (Socket s : byNamespace.values()) {
        s.onClose(r, desc);
      }
      synchronized (this) {
        byNamespace = Map.of();
      }
    });
  }

  private void onParseError(ProtocolViolationException e) {
    log.debug("client {} sent a bad packet: {}", conn.id(), e.getMessage());
    drop(DisconnectReason.PARSE_ERROR);
  }

  private void onPacket(Packet p) throws ProtocolViolationException {
    if (draining && (p.type() == PacketType.CONNECT || p.type() == PacketType.EVENT
        || p.type() == PacketType.BINARY_EVENT)) {
      // the server is telling this client to go: what it sends now is not started (it gets no ack and may resend)
      log.debug("client {}: {} packet dropped, the server is shutting down", conn.id(), p.type());
      return;
    }
    if (p.type() == PacketType.CONNECT) {
      Map<String, Object> auth = toMap(p.data());
      // a session restore asks the adapter, which may block
      Dispatcher.Track track = server.options().connectionStateRecovery() != null && auth.get("pid") instanceof String
          ? RECOVERY : server.connectTrack(p.nsp());
      serial.dispatch(track, () -> connect(p.nsp(), p.data(), auth));
      return;
    }
    if (p.type() == PacketType.CONNECT_ERROR) {
      throw new ProtocolViolationException("CONNECT_ERROR from a client");
    }
    Socket s = byNamespace.get(p.nsp());
    if (s == null) {
      Set<String> gone = left;
      if (gone != null && gone.contains(p.nsp())) {
        log.debug("client {}: {} packet for a namespace it was disconnected from, dropped", conn.id(), p.type());
        return;
      }
      // as the reference server: a namespace not joined (or whose CONNECT is still in progress) is a violation
      log.debug("client {} sent a {} packet for a namespace it has not joined, closing", conn.id(), p.type());
      drop(DisconnectReason.FORCED_SERVER_CLOSE);
      return;
    }
    serial.dispatch(serial.moved() ? null : track(s, p), () -> s.onPacket(p));
  }

  /** The track of an event's handlers; {@code null} for other packets. */
  private static Dispatcher.Track track(Socket s, Packet p) {
    if (p.type() != PacketType.EVENT && p.type() != PacketType.BINARY_EVENT) {
      return null;
    }
    JsonNode first = p.data().get(0);
    return s.namespace().eventTrack(first.isTextual() ? first.textValue() : first.asText());
  }

  private Map<String, Object> toMap(JsonNode data) {
    if (data == null || !data.isObject()) {
      return new LinkedHashMap<>();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = server.codec().mapper().convertValue(data, LinkedHashMap.class);
    return m;
  }

  // ---- on the serial executor ----

  private void connect(String name, JsonNode authNode, Map<String, Object> auth) {
    if (closed) {
      return;
    }
    if (connecting == null) {
      connecting = new HashSet<>(4);
    }
    if (byNamespace.containsKey(name) || !connecting.add(name)) {
      log.debug("client {} is already in (or joining) namespace {}", conn.id(), name);
      return;
    }
    Namespace nsp = server.resolveNamespace(name, auth);
    if (nsp == null) {
      server.stats().count(ServerStats.ConnectFailure.INVALID_NAMESPACE);
      connectDone(name);
      ObjectNode err = server.codec().mapper().createObjectNode().put("message", "Invalid namespace");
      writePacket(new Packet(PacketType.CONNECT_ERROR, name, err, null));
      return;
    }
    nsp.add(this, auth, authNode);
  }

  /** The connection attempt to a namespace ended (joined or refused). On the serial executor. */
  void connectDone(String name) {
    if (connecting != null && connecting.remove(name) && connecting.isEmpty()) {
      connecting = null; // an idle client holds no set
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** A CONNECT succeeded. On the serial executor. */
  void connected(Socket socket) {
    String name = socket.namespace().name();
    synchronized (this) {
      byNamespace = CowCollections.with(byNamespace, name, socket);
    }
    Set<String> gone = left;
    if (gone != null) {
      gone.remove(name);
    }
    cancelConnectTimer();
    if (!trusted) {
      trusted = true;
      conn.trust();
    }
  }

  /** A socket left its namespace. On the serial executor. */
  void remove(Socket socket, DisconnectReason reason) {
    String name = socket.namespace().name();
    if (reason == DisconnectReason.SERVER_NAMESPACE_DISCONNECT) {
      Set<String> gone = left;
      if (gone == null) {
        gone = ConcurrentHashMap.newKeySet();
        left = gone;
      }
      gone.add(name);     // before the socket disappears, so that no packet finds neither
    }
    synchronized (this) {
      if (byNamespace.get(name) == socket) {
        byNamespace = CowCollections.without(byNamespace, name);
      }
    }
  }

  /** Sends DISCONNECT for every namespace, then closes the connection ({@code socket.disconnect(true)}). */
  void disconnectAll() {
    for (Socket s : byNamespace.values()) {
      s.disconnect(false);
    }
    close(DisconnectReason.FORCED_SERVER_CLOSE);
  }

  /** Server shutdown: every socket leaves with "server shutting down", then the connection closes. */
  void shutdown() {
    closeReason = DisconnectReason.SERVER_SHUTTING_DOWN;
    closed = true;
    serial.execute(() -> {
      for (Socket s : byNamespace.values()) {
        s.onClose(DisconnectReason.SERVER_SHUTTING_DOWN, DisconnectReason.SERVER_SHUTTING_DOWN.text());
      }
    });
    conn.close(CloseReason.SERVER_SHUTTING_DOWN);
  }

  /**
   * Graceful shutdown of this client: from now on its new events and CONNECTs are dropped; once the events it sent
   * before have been handled and every acknowledgement they asked for has been sent, the connection closes with
   * "server shutting down" (after what is queued, the acks included, has been written). No DISCONNECT packet is sent:
   * the client sees its transport close, and an official client reconnects (to another server behind a balancer).
   * With connection state recovery the sockets' sessions are persisted, as for any recoverable disconnection.
   */
  void drain() {
    conn.executor().execute(() -> {
      if (closed || draining) {
        return;
      }
      draining = true; // on the event loop: every packet read before this is queued, every one after is dropped
      serial.execute(() -> {
        if (unanswered == 0) {
          goAway();
        }
      });
    });
  }

  /** For the log of a shutdown that ran out of time: what this client is waiting for. */
  String drainState() {
    return conn.id() + (draining ? " told to go" : " not yet told to go") + ", " + unanswered
        + " acks unanswered";
  }

  /** An acknowledgement was asked for (on the serial executor, before the handler runs). */
  void ackRequested() {
    UNANSWERED.incrementAndGet(this);
  }

  /** An asked-for acknowledgement was sent (any thread); the last one lets a draining client go. */
  void ackAnswered() {
    if (UNANSWERED.decrementAndGet(this) == 0 && draining) {
      serial.execute(this::goAway);
    }
  }

  private void goAway() {
    if (closed) {
      return;
    }
    closeReason = DisconnectReason.SERVER_SHUTTING_DOWN;
    closed = true;
    conn.close(CloseReason.SERVER_SHUTTING_DOWN);
  }

  // ---- any thread ----

  void close(DisconnectReason reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
    closed = true;
    conn.close();
  }

  void writePacket(Packet p) {
    write(server.codec().encode(p), false);
  }

  void write(List<EngineMessage> messages, boolean volatileEmit) {
    if (!conn.isOpen()) {
      return;
    }
    if (volatileEmit && !conn.isWritable()) {
      log.trace("client {} not writable, volatile packet dropped", conn.id());
      return;
    }
    if (messages.size() == 1) {
      conn.send(messages.get(0));
    } else {
      conn.send(messages);
    }
  }

  private void onConnectTimeout() {
    if (byNamespace.isEmpty() && !closed) {
      server.stats().count(ServerStats.ConnectFailure.CONNECT_TIMEOUT);
      log.debug("client {} joined no namespace in time, closing", conn.id());
      close(DisconnectReason.FORCED_SERVER_CLOSE);
    }
  }
}
