package io.switchboard.engine;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one Engine.IO session: its write buffer, heartbeat, transport and upgrade. Everything here runs
 * on {@link #executor()}; public methods hop there when called from elsewhere.
 */
final class EngineSession implements EngineSocket {
  private static final Logger log = LoggerFactory.getLogger(EngineSession.class);
  private static final Logger connectionsLog = LoggerFactory.getLogger(Logs.CONNECTIONS);
  private static final Listener NO_LISTENER = new Listener() {};
  private static final EngineMessage PING = EngineMessage.control(PacketType.PING, "");
  private static final long NOOP_CHECK_MILLIS = 100;
  private static final long LINGER_MILLIS = 1000;

  private enum State { OPEN, CLOSING, CLOSED }

  private final EngineServer server;
  private final EngineOptions options;
  private final String id;
  private final EngineRequest request;
  private final EventLoop executor;
  private volatile Listener listener = NO_LISTENER;
  private volatile State state = State.OPEN;
  private volatile boolean trusted;
  private volatile EngineTransport transport;
  private WebSocketTransport probe;
  private boolean upgraded;
  private boolean lingering;
  /** Why the session is closing (set with {@link State#CLOSING}, before the state). */
  private volatile CloseReason closingReason = CloseReason.FORCED_CLOSE;

  /**
   * Outgoing packets, offered from any thread: an {@link EngineMessage} or a list that must stay together. A stack,
   * newest on top, that holds nothing while empty (most sessions are idle); {@link #flush()} takes all of it at once
   * and writes it oldest first.
   */
  private volatile Queued outbox;
  private static final AtomicReferenceFieldUpdater<EngineSession, Queued> OUTBOX =
      AtomicReferenceFieldUpdater.newUpdater(EngineSession.class, Queued.class, "outbox");
  private volatile long queuedBytes;
  private volatile int flushScheduled;
  private static final AtomicLongFieldUpdater<EngineSession> QUEUED_BYTES =
      AtomicLongFieldUpdater.newUpdater(EngineSession.class, "queuedBytes");
  private static final AtomicIntegerFieldUpdater<EngineSession> FLUSH_SCHEDULED =
      AtomicIntegerFieldUpdater.newUpdater(EngineSession.class, "flushScheduled");

  /** Bytes received before {@link #trust()}, over every transport (POST bodies, raw WebSocket bytes). */
  private volatile long untrustedReceived;
  private static final AtomicLongFieldUpdater<EngineSession> UNTRUSTED_RECEIVED =
      AtomicLongFieldUpdater.newUpdater(EngineSession.class, "untrustedReceived");

  /**
   * The heartbeat's one timer: due after {@code pingInterval} to send a ping, then, rescheduled, after
   * {@code pingTimeout} to give up waiting for the pong ({@link #awaitingPong}). A pong starts the interval over.
   */
  private ScheduledFuture<?> heartbeat;
  private boolean awaitingPong;
  private final Runnable heartbeatTask = this::onHeartbeat;
  private ScheduledFuture<?> upgradeTimeoutTask;
  private ScheduledFuture<?> noopTask;
  private ScheduledFuture<?> closeTimeoutTask;

  EngineSession(EngineServer server, String id, EngineRequest request, EventLoop executor,
      EngineTransport transport) {
    this.server = server;
    this.options = server.options();
    this.id = id;
    this.request = request;
    this.executor = executor;
    this.transport = transport;
  }

  /** Sends the open packet, starts the heartbeat and announces the session. On the event loop. */
  void open() {
    boolean canUpgrade = transport.kind() == Transport.POLLING && options.allowUpgrades()
        && options.transports().contains(Transport.WEBSOCKET);
    String handshake = "{\"sid\":\"" + id + "\",\"upgrades\":" + (canUpgrade ? "[\"websocket\"]" : "[]")
        + ",\"pingInterval\":" + options.pingInterval().toMillis()
        + ",\"pingTimeout\":" + options.pingTimeout().toMillis()
        + ",\"maxPayload\":" + options.maxHttpBufferSize() + "}";
    EngineMessage openPacket = EngineMessage.control(PacketType.OPEN, handshake);
    push(openPacket);
    QUEUED_BYTES.addAndGet(this, openPacket.wireLength());
    schedulePing();
    server.register(this);
    flush();
  }

  // ---- EngineSocket ----

  @Override
  public String id() {
    return id;
  }

  @Override
  public EngineRequest request() {
    return request;
  }

  @Override
  public Transport transport() {
    return transport.kind();
  }

  @Override
  public EventExecutor executor() {
    return executor;
  }

  @Override
  public boolean isOpen() {
    return state == State.OPEN;
  }

  @Override
  public boolean isWritable() {
    return state == State.OPEN && queuedBytes == 0 && transport.writable();
  }

  @Override
  public void listener(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  @Override
  public void send(EngineMessage message) {
    Objects.requireNonNull(message, "message");
    if (state == State.OPEN) {
      int bytes = message.wireLength();
      server.countOut(bytes);
      offer(message, bytes);
    }
  }

  @Override
  public void send(Iterable<EngineMessage> messages) {
    List<EngineMessage> group = new ArrayList<>();
    long bytes = 0;
    for (EngineMessage m : messages) {
      group.add(Objects.requireNonNull(m, "message"));
      bytes += m.wireLength();
    }
    if (state == State.OPEN && !group.isEmpty()) {
      server.countOut(bytes);
      offer(group.size() == 1 ? group.get(0) : group, bytes); // a group stays together in the queue
    }
  }

  @Override
  public void trust() {
    trusted = true;
  }

  /** Whether the session is closing because the server shuts down (its last poll response closes the connection). */
  boolean closingForShutdown() {
    return state != State.OPEN && closingReason == CloseReason.SERVER_SHUTTING_DOWN;
  }

  /** Whether {@link #trust()} was called: input is then no longer bounded by the untrusted limit. */
  boolean trusted() {
    return trusted;
  }

  /**
   * Counts input received from the client, from any thread, and returns how many more bytes it may send before it
   * is trusted: negative once it is over {@link EngineOptions#untrustedInputLimit()}, {@link Long#MAX_VALUE} when
   * the session is trusted or there is no limit (nothing is counted then).
   */
  long chargeUntrusted(long bytes) {
    long limit = options.untrustedInputLimit();
    if (trusted || limit == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    return limit - UNTRUSTED_RECEIVED.addAndGet(this, bytes);
  }

  /** How many more bytes the client may send before it is trusted ({@link Long#MAX_VALUE}: no limit). */
  long untrustedAllowance() {
    return chargeUntrusted(0);
  }

  @Override
  public InputBudget inputBudget() {
    return server.inputBudget();
  }

  @Override
  public void close() {
    close(CloseReason.FORCED_CLOSE);
  }

  @Override
  public void close(CloseReason reason) {
    Objects.requireNonNull(reason, "reason");
    if (state != State.OPEN) {
      return;
    }
    if (executor.inEventLoop()) {
      closeGracefully(reason);
    } else {
      runOnLoop(() -> closeGracefully(reason));
    }
  }

  /** Runs a task on the session's event loop; once the server has shut its loops down there is nothing left to do. */
  private void runOnLoop(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("session {}: event loop gone, task dropped", id);
    }
  }

  @Override
  public String toString() {
    return "EngineSession[" + id + ", " + transport.kind() + ", " + state + "]";
  }

  // ---- writing ----

  /** Puts an item on top of the outbox, from any thread. */
  private void push(Object item) {
    Queued q = new Queued(item);
    Queued top;
    do {
      top = outbox;
      q.next = top;
    } while (!OUTBOX.compareAndSet(this, top, q));
  }

  /** An item of the outbox and the one under it (the one after it, once {@link #flush()} has turned them around). */
  private static final class Queued {
    final Object item;
    Queued next;

    Queued(Object item) {
      this.item = item;
    }
  }

  /**
   * Queues a message (or a group of messages that must stay together) from any thread, and makes sure one flush is
   * scheduled: everything sent before that flush runs goes out in one batch, with one syscall.
   */
  private void offer(Object item, long bytes) {
    push(item);
    long queued = QUEUED_BYTES.addAndGet(this, bytes);
    if (queued > options.maxBufferedBytes()) {
      log.debug("session {}: {} bytes waiting for a client that does not read", id, queued);
      closeNow(CloseReason.TRANSPORT_ERROR, "write buffer overflow");
      return;
    }
    if (FLUSH_SCHEDULED.compareAndSet(this, 0, 1)) {
      runOnLoop(this::flush);
    }
  }

  /** Writes what is queued if the transport can take it now. On the event loop. */
  void flush() {
    FLUSH_SCHEDULED.set(this, 0);
    if (state == State.CLOSED) {
      OUTBOX.set(this, null);
      return;
    }
    if (outbox == null || !transport.writable()) {
      return;
    }
    Queued oldest = null; // the stack taken and turned around
    for (Queued q = OUTBOX.getAndSet(this, null); q != null; ) {
      Queued next = q.next;
      q.next = oldest;
      oldest = q;
      q = next;
    }
    if (oldest.next == null && oldest.item instanceof EngineMessage only) { // the common case: one message
      QUEUED_BYTES.addAndGet(this, -only.wireLength());
      writeBatch(List.of(only));
      return;
    }
    List<EngineMessage> batch = new ArrayList<>();
    long bytes = 0;
    for (Queued q = oldest; q != null; q = q.next) {
      Object item = q.item;
      if (item instanceof EngineMessage m) {
        batch.add(m);
        bytes += m.wireLength();
      } else {
        @SuppressWarnings("unchecked")
        List<EngineMessage> group = (List<EngineMessage>) item;
        for (EngineMessage m : group) {
          batch.add(m);
          bytes += m.wireLength();
        }
      }
    }
    QUEUED_BYTES.addAndGet(this, -bytes);
    writeBatch(batch);
  }

  /** Hands a batch to the transport; a closing session closes once its last batch is out. */
  private void writeBatch(List<EngineMessage> batch) {
    transport.send(batch);
    if (state == State.CLOSING) {
      CloseReason reason = closingReason;
      if (transport.kind() == Transport.POLLING) {
        if (batch.get(batch.size() - 1) == PollingTransport.closePacket()) {
          closeNow(reason, reason.text());
        }
      } else {
        closeNow(reason, reason.text());
      }
    }
  }

  // ---- reading ----

  /** A packet arrived on transport {@code from}. */
  void onPacket(EngineTransport from, EnginePacket packet) {
    if (from == probe) {
      onProbePacket(packet);
      return;
    }
    if (from != transport || state != State.OPEN) {
      return;
    }
    switch (packet.type()) {
      case PONG -> schedulePing();
      // in protocol v4 only the server pings (a probe travels on the upgrading transport, handled above)
      case PING -> closeNow(CloseReason.TRANSPORT_ERROR, "invalid heartbeat direction");
      case MESSAGE -> deliver(packet);
      case CLOSE -> closeByClient();
      default -> {
        // open, upgrade and noop packets carry nothing for the session
      }
    }
  }

  private void deliver(EnginePacket packet) {
    try {
      if (packet.binary() != null) {
        server.countIn(packet.binary().length);
        listener.onBinary(packet.binary());
      } else {
        server.countIn(packet.text().length());
        listener.onMessage(packet.text());
      }
    } catch (RuntimeException e) {
      log.warn("session {}: listener failed", id, e);
    }
  }

  // ---- heartbeat ----

  private void schedulePing() {
    cancel(heartbeat);
    awaitingPong = false;
    heartbeat = executor.schedule(heartbeatTask, options.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onHeartbeat() {
    if (state == State.CLOSED) {
      return;
    }
    if (awaitingPong) {
      closeNow(CloseReason.PING_TIMEOUT, "ping timeout");
      return;
    }
    awaitingPong = true;
    heartbeat = executor.schedule(heartbeatTask, options.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
    offer(PING, PING.wireLength());
  }

  // ---- upgrade ----

  /** A WebSocket connection for this session completed its handshake and wants to upgrade. */
  void onProbeOpened(WebSocketTransport ws) {
    if (state != State.OPEN || upgraded || probe != null || transport.kind() != Transport.POLLING) {
      log.debug("session {}: refusing a second WebSocket", id);
      ws.closeChannel(io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.POLICY_VIOLATION,
          upgraded || transport.kind() == Transport.WEBSOCKET ? "session already upgraded" : "upgrade in progress");
      return;
    }
    probe = ws;
    upgradeTimeoutTask = executor.schedule(() -> abortProbe("upgrade timeout"),
        options.upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void onProbePacket(EnginePacket packet) {
    if (packet.type() == PacketType.PING && "probe".equals(packet.text())) {
      // release pending long-polls so that the client can pause polling and complete the upgrade
      releasePoll();
      cancel(noopTask);
      noopTask = executor.scheduleAtFixedRate(this::releasePoll, NOOP_CHECK_MILLIS, NOOP_CHECK_MILLIS,
          TimeUnit.MILLISECONDS);
    } else if (packet.type() == PacketType.UPGRADE) {
      completeUpgrade();
    } else {
      abortProbe("unexpected packet during upgrade");
    }
  }

  private void releasePoll() {
    if (transport instanceof PollingTransport polling) {
      polling.releasePendingGet();
    }
  }

  private void completeUpgrade() {
    cancel(upgradeTimeoutTask);
    cancel(noopTask);
    upgradeTimeoutTask = null;
    noopTask = null;
    EngineTransport old = transport;
    transport = probe;
    probe = null;
    upgraded = true;
    old.discard();
    server.countUpgrade();
    log.debug("session {}: upgraded to websocket", id);
    try {
      listener.onUpgrade(Transport.WEBSOCKET);
    } catch (RuntimeException e) {
      log.warn("session {}: listener failed", id, e);
    }
    flush();
  }

  private void abortProbe(String why) {
    if (probe != null) {
      log.debug("session {}: upgrade abandoned: {}", id, why);
      cancel(upgradeTimeoutTask);
      cancel(noopTask);
      probe.closeChannel(io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.NORMAL_CLOSURE, why);
      probe = null;
    }
  }

  /** A transport's connection went away or failed. */
  void onTransportClosed(EngineTransport t, CloseReason reason, String description) {
    if (t == probe) {
      abortProbe(description);
    } else if (t == transport) {
      closeNow(reason, description);
    }
  }

  // ---- polling requests (on the event loop) ----

  void onPollingGet(Responses.Exchange ex) {
    if (lingering) {
      stopLingering();
      Responses.text(ex, io.netty.handler.codec.http.HttpResponseStatus.OK, Responses.TEXT_PLAIN,
          String.valueOf(PacketType.NOOP.code()));
      return;
    }
    if (state == State.CLOSED || !(transport instanceof PollingTransport polling)) {
      Responses.error(ex, state == State.CLOSED ? ErrorCode.UNKNOWN_SID : ErrorCode.BAD_REQUEST);
      return;
    }
    polling.onGet(ex);
  }

  void onPollingPost(Responses.Exchange ex, String body) {
    if (state == State.CLOSED || !(transport instanceof PollingTransport polling)) {
      Responses.error(ex, state == State.CLOSED ? ErrorCode.UNKNOWN_SID : ErrorCode.BAD_REQUEST);
      return;
    }
    polling.onPost(ex, body);
  }

  /** The connection that carried a poll closed (from any thread). */
  void onPollConnectionClosed(Responses.Exchange ex) {
    if (state != State.CLOSED && transport instanceof PollingTransport polling) {
      runOnLoop(() -> polling.onConnectionClosed(ex));
    }
  }

  /** A POST was larger than {@code maxHttpBufferSize}. */
  void onPayloadTooLarge() {
    closeNow(CloseReason.TRANSPORT_ERROR, "payload too large");
  }

  // ---- closing ----

  private void closeGracefully(CloseReason reason) {
    if (state != State.OPEN) {
      return;
    }
    closingReason = reason;
    state = State.CLOSING;
    abortProbe("session closing");
    if (transport.kind() == Transport.POLLING) {
      offer(PollingTransport.closePacket(), 1);
    }
    closeTimeoutTask = executor.schedule(() -> closeNow(reason, reason.text()),
        options.pingTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (outbox == null) {
      closeNow(reason, reason.text());
    } else {
      flush();
    }
  }

  /**
   * The client sent a close packet. Over polling, a GET the client sent just before its POST may still be on its way
   * (it may arrive on another event loop): the session id stays known for a moment so that this GET is released with
   * a noop instead of failing with "Session ID unknown".
   */
  private void closeByClient() {
    boolean awaitGet = transport instanceof PollingTransport p && !p.writable();
    closeNow(CloseReason.TRANSPORT_CLOSE, "transport close");
    if (awaitGet) {
      lingering = true;
      server.relink(this);
      closeTimeoutTask = executor.schedule(this::stopLingering, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void stopLingering() {
    if (lingering) {
      lingering = false;
      server.unregister(this);
    }
  }

  /** Ends the session now; may be called from any thread. */
  void closeNow(CloseReason reason, String description) {
    if (!executor.inEventLoop()) {
      if (state != State.CLOSED) {
        runOnLoop(() -> closeNow(reason, description));
      }
      return;
    }
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPEN) {
      closingReason = reason;
    }
    state = State.CLOSED;
    cancel(heartbeat);
    heartbeat = null;
    cancel(upgradeTimeoutTask);
    cancel(noopTask);
    cancel(closeTimeoutTask);
    abortProbe(reason.text());
    OUTBOX.set(this, null);
    QUEUED_BYTES.set(this, 0);
    transport.close(reason, description);
    server.unregister(this);
    if (connectionsLog.isDebugEnabled()) {
      try (var c = Logs.context(id, null, request.remoteAddress())) {
        connectionsLog.debug("session closed over {}: {} ({})", transport.kind(), reason, description);
      }
    }
    try {
      listener.onClose(reason, description);
    } catch (RuntimeException e) {
      log.warn("session {}: listener failed", id, e);
    }
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
