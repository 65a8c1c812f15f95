package io.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.switchboard.engine.Ids;
import io.switchboard.engine.Logs;
import io.switchboard.server.cluster.AckListener;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterMessageType;
import io.switchboard.server.cluster.ClusterReplies;
import io.switchboard.server.cluster.ClusterResponse;
import io.switchboard.server.cluster.ClusterStats;
import io.switchboard.server.cluster.SocketDetails;
import io.switchboard.server.parser.Packet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An adapter for a cluster of servers: every cluster-wide operation becomes a {@link ClusterMessage} for the other
 * servers, and their {@link ClusterResponse}s are matched to the pending request.
 *
 * <pre>{@code
 * final class BusAdapter extends ClusterAdapter {
 *   BusAdapter(Namespace nsp, Bus bus) { super(nsp, Duration.ofSeconds(5)); this.bus = bus; bus.join(this); }
 *   protected CompletionStage<Void> doPublish(ClusterMessage m) { return bus.toOthers(this, m); }
 *   protected CompletionStage<Void> doPublishResponse(String to, ClusterResponse r) { return bus.toOne(to, r); }
 *   // and the bus calls onMessage(m) / onResponse(r) on the receiving adapters
 * }
 * }</pre>
 *
 * <p>A backend implements the two publish methods and calls {@link #onMessage} and {@link #onResponse} with what it
 * receives, from any thread (without blocking it: nothing here blocks). It may override {@link #serverCount()} when
 * its transport can count the servers (Redis: the subscribers of a channel); by default the count is this server plus
 * the other servers it has heard from ({@code INITIAL_HEARTBEAT} on start, {@code ADAPTER_CLOSE} on close).
 *
 * <p>Failures never reach the application: a publish that fails is logged and the operation still runs locally; a
 * request whose answers do not all come within the timeout completes with the answers that came
 * ({@link ClusterReplies} says how many, and which known servers, were missing).
 */
public abstract class ClusterAdapter extends InMemoryAdapter implements ClusterStats {
  private static final Logger log = LoggerFactory.getLogger(ClusterAdapter.class);
  private static final Logger clusterLog = LoggerFactory.getLogger(Logs.CLUSTER);

  /** The uid emitters put in their messages. */
  public static final String EMITTER_UID = "emitter";
  /** The requests timeout of the reference adapters. */
  public static final Duration DEFAULT_REQUESTS_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_KNOWN_NODES = 1024;

  private final String uid;
  private final Duration requestsTimeout;
  private final ClusterMessageMapper mapper;
  private final Map<String, Request<?>> requests = new ConcurrentHashMap<>();
  private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
  private final Map<String, Long> nodes = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong publishFailures = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong lastFailureLog = new java.util.concurrent.atomic.AtomicLong();
  private final LongAdder published = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder requestTimeouts = new LongAdder();
  private volatile boolean closed;

  private record AckRequest(IntConsumer clientCount, AckListener ack) {}

  /**
   * Creates the adapter of a namespace with a random 8-byte hex server id.
   *
   * @param nsp             the namespace
   * @param requestsTimeout how long requests wait for answers when the operation gives no timeout of its own
   *                        ({@link #DEFAULT_REQUESTS_TIMEOUT} is the reference adapters' value)
   * @throws IllegalArgumentException if {@code requestsTimeout} is null, zero or negative
   */
  protected ClusterAdapter(Namespace nsp, Duration requestsTimeout) {
    this(nsp, requestsTimeout, newId(8));
  }

  /**
   * Creates the adapter of a namespace with a given server id (backends whose wire format fixes its shape).
   *
   * @param nsp             the namespace
   * @param requestsTimeout how long requests wait for answers when the operation gives no timeout of its own
   * @param uid             this server's id in the cluster; unique among the servers, never {@link #EMITTER_UID}
   * @throws IllegalArgumentException if {@code requestsTimeout} is null, zero or negative
   */
  protected ClusterAdapter(Namespace nsp, Duration requestsTimeout, String uid) {
    super(nsp);
    if (requestsTimeout == null || requestsTimeout.isNegative() || requestsTimeout.isZero()) {
      throw new IllegalArgumentException("requestsTimeout must be positive: " + requestsTimeout);
    }
    this.uid = uid;
    this.requestsTimeout = requestsTimeout;
    this.mapper = new ClusterMessageMapper(nsp.codec().mapper());
  }

  /** {@return this server's id in the cluster} */
  public String uid() {
    return uid;
  }

  /** {@return how long requests wait for answers by default} */
  public Duration requestsTimeout() {
    return requestsTimeout;
  }

  /** {@return the ids of the other servers this one has heard from and that have not said they left} */
  public Set<String> knownNodes() {
    return Set.copyOf(nodes.keySet());
  }

  /**
   * Converts messages to and from their wire trees.
   *
   * @return the mapper
   */
  protected ClusterMessageMapper mapper() {
    return mapper;
  }

  /**
   * {@return a random id of {@code bytes} bytes in lower-case hex ({@link Ids#hex(int)})}
   *
   * @param bytes how many random bytes (the id has twice as many characters)
   */
  protected static String newId(int bytes) {
    return Ids.hex(bytes);
  }

  /**
   * Sends a message to every other server (it may reach this one too: it is ignored then). Called from any thread;
   * must not block.
   *
   * @param message the message
   * @return a stage that completes when the transport took the message, or fails with why it could not
   */
  protected abstract CompletionStage<Void> doPublish(ClusterMessage message);

  /**
   * Sends a response to the server {@code requesterUid}. Called from any thread; must not block.
   *
   * @param requesterUid the id of the server that made the request
   * @param response     the response
   * @return a stage that completes when the transport took the response, or fails with why it could not
   */
  protected abstract CompletionStage<Void> doPublishResponse(String requesterUid, ClusterResponse response);

  // ---- lifecycle ----

  @Override
  public void init() {
    publish(new ClusterMessage.Presence(uid, nsp.name(), ClusterMessageType.INITIAL_HEARTBEAT));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    publish(new ClusterMessage.Presence(uid, nsp.name(), ClusterMessageType.ADAPTER_CLOSE));
    for (Request<?> r : List.copyOf(requests.values())) {
      r.finish();
    }
    ackRequests.clear();
  }

  /** {@return whether {@link #close()} was called} */
  protected boolean isClosed() {
    return closed;
  }

  @Override
  public CompletionStage<Integer> serverCount() {
    return CompletableFuture.completedFuture(1 + nodes.size());
  }

  // ---- cluster-wide operations ----

  @Override
  public void broadcast(Packet packet, BroadcastOptions opts) {
    if (!opts.flags().local()) {
      publish(new ClusterMessage.Broadcast(uid, nsp.name(), packet, opts, null));
    }
    super.broadcast(packet, opts);
  }

  /**
   * Delivers a packet to the matching sockets of this server only, publishing nothing (for backends that publish
   * first and deliver when their transport confirms, or hands the packet back).
   *
   * @param packet the packet
   * @param opts   which local sockets receive it
   */
  protected final void deliverLocally(Packet packet, BroadcastOptions opts) {
    super.broadcast(packet, opts);
  }

  /**
   * {@link #deliverLocally(Packet, BroadcastOptions)}, saying whether the packet's last argument is its recovery
   * offset (which {@link #carriesOffset} otherwise decides).
   *
   * @param packet        the packet
   * @param opts          which local sockets receive it
   * @param carriesOffset whether the last argument of the packet is its recovery offset
   */
  protected final void deliverLocally(Packet packet, BroadcastOptions opts, boolean carriesOffset) {
    deliver(packet, opts, carriesOffset);
  }

  @Override
  public void broadcastWithAck(Packet packet, BroadcastOptions opts, IntConsumer clientCount, AckListener ack) {
    if (!opts.flags().local()) {
      String requestId = newId(8);
      ackRequests.put(requestId, new AckRequest(clientCount, ack));
      Duration keep = opts.flags().timeout() != null ? opts.flags().timeout() : requestsTimeout;
      schedule(() -> ackRequests.remove(requestId), keep);
      publish(new ClusterMessage.Broadcast(uid, nsp.name(), packet.withId(null), opts, requestId));
    }
    super.broadcastWithAck(packet, opts, clientCount, ack);
  }

  @Override
  public void addSockets(BroadcastOptions opts, Set<String> rooms) {
    if (!opts.flags().local()) {
      publish(new ClusterMessage.SocketsJoin(uid, nsp.name(), opts, rooms));
    }
    super.addSockets(opts, rooms);
  }

  @Override
  public void delSockets(BroadcastOptions opts, Set<String> rooms) {
    if (!opts.flags().local()) {
      publish(new ClusterMessage.SocketsLeave(uid, nsp.name(), opts, rooms));
    }
    super.delSockets(opts, rooms);
  }

  @Override
  public void disconnectSockets(BroadcastOptions opts, boolean close) {
    if (!opts.flags().local()) {
      publish(new ClusterMessage.DisconnectSockets(uid, nsp.name(), opts, close));
    }
    super.disconnectSockets(opts, close);
  }

  @Override
  public CompletionStage<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
    return fetchSocketsFromCluster(opts).thenApply(r -> {
      if (!r.complete()) {
        log.warn("[{}] fetchSockets in {}: {} of {} servers did not answer within the timeout (silent: {})", uid,
            nsp.name(), r.missing(), r.expected(), r.silentNodes());
      }
      return r.values();
    });
  }

  /**
   * {@return the matching sockets of every server, with what is known of the servers that did not answer in time (the
   * timeout flag of {@code opts}, or the requests timeout)}
   *
   * @param opts which sockets; only this server's when its flags say local
   */
  public CompletionStage<ClusterReplies<SocketDetails>> fetchSocketsFromCluster(BroadcastOptions opts) {
    List<SocketDetails> local = super.fetchSockets(opts).toCompletableFuture().getNow(List.of());
    if (opts.flags().local()) {
      return CompletableFuture.completedFuture(new ClusterReplies<>(local, 0, 0, Set.of()));
    }
    Duration timeout = opts.flags().timeout() != null ? opts.flags().timeout() : requestsTimeout;
    return countOthers().thenCompose(expected -> {
      if (expected <= 0) {
        return CompletableFuture.completedFuture(new ClusterReplies<>(local, 0, 0, Set.of()));
      }
      String requestId = newId(8);
      Request<SocketDetails> r = new Request<>(requestId, expected, local, timeout);
      publishRequest(r, new ClusterMessage.FetchSockets(uid, nsp.name(), opts, requestId));
      return r.future;
    });
  }

  @Override
  public void serverSideEmit(String event, Args args) {
    publish(new ClusterMessage.ServerSideEmit(uid, nsp.name(), eventArray(event, args), null));
  }

  @Override
  public CompletionStage<List<Args>> serverSideEmitWithAck(String event, Args args, Duration timeout) {
    return serverSideEmitToCluster(event, args, timeout).thenApply(r -> {
      if (!r.complete()) {
        log.warn("[{}] serverSideEmit {} in {}: {} of {} servers did not answer within {} (silent: {})", uid,
            event, nsp.name(), r.missing(), r.expected(), timeout, r.silentNodes());
      }
      return r.values();
    });
  }

  /**
   * Sends a server-side event and collects one acknowledgement per other server (the first argument each
   * handler passed to {@link Ack#send}), with what is known of the servers that did not answer within {@code timeout}.
   *
   * @param event   the event name
   * @param args    its arguments
   * @param timeout how long to wait for the answers, or {@code null} for {@link #requestsTimeout()}
   * @return a stage that completes once every other server answered or the timeout passed; it does not fail
   */
  public CompletionStage<ClusterReplies<Args>> serverSideEmitToCluster(String event, Args args, Duration timeout) {
    Duration t = timeout != null ? timeout : requestsTimeout;
    ArrayNode packet = eventArray(event, args);
    return countOthers().thenCompose(expected -> {
      if (expected <= 0) {
        return CompletableFuture.completedFuture(new ClusterReplies<Args>(List.of(), 0, 0, Set.of()));
      }
      String requestId = newId(8);
      Request<Args> r = new Request<>(requestId, expected, List.of(), t);
      publishRequest(r, new ClusterMessage.ServerSideEmit(uid, nsp.name(), packet, requestId));
      return r.future;
    });
  }

  /**
   * {@return {@link #serverSideEmitToCluster(String, Args, Duration)} with Java arguments}
   *
   * @param timeout how long to wait for the answers, or {@code null} for {@link #requestsTimeout()}
   * @param event   the event name (not a reserved one)
   * @param args    the arguments, encoded as for {@code emit}
   */
  public CompletionStage<ClusterReplies<Args>> serverSideEmitToCluster(Duration timeout, String event,
      Object... args) {
    Socket.checkEventName(event);
    return serverSideEmitToCluster(event, nsp.codec().args(nsp.codec().eventArray(null, args), 0), timeout);
  }

  private ArrayNode eventArray(String event, Args args) {
    ArrayNode a = nsp.codec().mapper().createArrayNode();
    a.add(event);
    args.nodes().forEach(a::add);
    return a;
  }

  private CompletionStage<Integer> countOthers() {
    CompletionStage<Integer> count;
    try {
      count = serverCount();
    } catch (RuntimeException e) {
      count = CompletableFuture.failedFuture(e);
    }
    return count.handle((n, e) -> {
      if (e != null || n == null) {
        log.warn("[{}] cannot count the servers of {}; answering from this server only: {}", uid, nsp.name(),
            e == null ? "no count" : e.toString());
        return 0;
      }
      return n - 1;
    });
  }

  // ---- publishing ----

  /**
   * Publishes a message through {@link #doPublish}; failures are logged (at most one WARN a second), never thrown.
   *
   * @param message the message
   * @return the stage of {@link #doPublish}, failed if it threw
   */
  protected final CompletionStage<Void> publish(ClusterMessage message) {
    published.increment();
    CompletionStage<Void> s;
    try {
      s = doPublish(message);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedFuture(e);
    }
    return s.whenComplete((v, e) -> {
      if (e != null) {
        failed(message.type(), e);
      }
    });
  }

  /** Logs a failed publication: the first of each second at WARN (with the count), the others at DEBUG. */
  private void failed(ClusterMessageType type, Throwable e) {
    long n = publishFailures.incrementAndGet();
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if (!closed && (last == 0 || now - last > TimeUnit.SECONDS.toNanos(1))
        && lastFailureLog.compareAndSet(last, now)) {
      clusterLog.warn("[{}] cannot publish {} in {} ({} failures so far; delivery stays local meanwhile): {}", uid, type,
          nsp.name(), n, e.toString());
    } else {
      clusterLog.debug("[{}] cannot publish {} in {}: {}", uid, type, nsp.name(), e.toString());
    }
  }

  /** {@return how many publications (messages and responses) failed so far} */
  @Override
  public long publishFailures() {
    return publishFailures.get();
  }

  @Override
  public long messagesPublished() {
    return published.sum();
  }

  @Override
  public long messagesReceived() {
    return received.sum();
  }

  @Override
  public long requestTimeouts() {
    return requestTimeouts.sum();
  }

  @Override
  public int servers() {
    return 1 + nodes.size();
  }

  /**
   * Publishes a response through {@link #doPublishResponse}; failures are logged, never thrown.
   *
   * @param requesterUid the id of the server that made the request
   * @param response     the response
   */
  protected final void publishResponse(String requesterUid, ClusterResponse response) {
    published.increment();
    CompletionStage<Void> s;
    try {
      s = doPublishResponse(requesterUid, response);
    } catch (RuntimeException e) {
      s = CompletableFuture.failedFuture(e);
    }
    s.whenComplete((v, e) -> {
      if (e != null) {
        failed(response.type(), e);
      }
    });
  }

  private void publishRequest(Request<?> r, ClusterMessage m) {
    requests.put(r.requestId, r);
    publish(m).whenComplete((v, e) -> {
      if (e != null) {
        r.finish(); // nobody will answer a request that never left
      }
    });
  }

  // ---- receiving ----

  /**
   * Handles a message from another server; messages from this server or for another namespace are ignored. Backends
   * call it from their receiving thread; it does not block.
   *
   * @param m the message received
   */
  protected void onMessage(ClusterMessage m) {
    if (uid.equals(m.uid())) {
      return;
    }
    received.increment();
    seen(m.uid());
    if (!nsp.name().equals(m.nsp())) {
      log.debug("[{}] ignoring a message for namespace {}", uid, m.nsp());
      return;
    }
    try {
      dispatch(m);
    } catch (RuntimeException e) {
      log.warn("[{}] cannot handle {} from {} in {}", uid, m.type(), m.uid(), nsp.name(), e);
    }
  }

  private void dispatch(ClusterMessage m) {
    if (m instanceof ClusterMessage.Presence p) {
      if (p.type() == ClusterMessageType.INITIAL_HEARTBEAT) {
        publish(new ClusterMessage.Presence(uid, nsp.name(), ClusterMessageType.HEARTBEAT));
      } else if (p.type() == ClusterMessageType.ADAPTER_CLOSE) {
        nodeLeft(p.uid());
      }
    } else if (m instanceof ClusterMessage.Broadcast b) {
      BroadcastOptions opts = remote(b.opts());
      if (b.requestId() == null) {
        super.broadcast(b.packet(), opts);
      } else {
        String requester = b.uid();
        String requestId = b.requestId();
        super.broadcastWithAck(b.packet(), opts,
            n -> publishResponse(requester,
                new ClusterResponse.BroadcastClientCount(uid, nsp.name(), requestId, n)),
            args -> publishResponse(requester,
                new ClusterResponse.BroadcastAck(uid, nsp.name(), requestId, first(args))));
      }
    } else if (m instanceof ClusterMessage.SocketsJoin j) {
      super.addSockets(remote(j.opts()), j.rooms());
    } else if (m instanceof ClusterMessage.SocketsLeave l) {
      super.delSockets(remote(l.opts()), l.rooms());
    } else if (m instanceof ClusterMessage.DisconnectSockets d) {
      super.disconnectSockets(remote(d.opts()), d.close());
    } else if (m instanceof ClusterMessage.FetchSockets f) {
      super.fetchSockets(remote(f.opts())).thenAccept(list -> publishResponse(f.uid(),
          new ClusterResponse.FetchSocketsResponse(uid, nsp.name(), f.requestId(), list)));
    } else if (m instanceof ClusterMessage.ServerSideEmit s) {
      String event = s.packet().get(0).asText();
      Args args = nsp.codec().args(s.packet(), 1);
      nsp.deliverServerSideEmit(event, args, s.requestId() == null ? Ack.NONE : new RemoteAck(s.uid(), s.requestId()));
    }
  }

  private static BroadcastOptions remote(BroadcastOptions o) {
    return o.flags().local() ? new BroadcastOptions(o.rooms(), o.except(), o.flags().withLocal(false)) : o;
  }

  private static JsonNode first(Args args) {
    return args.isEmpty() ? NullNode.getInstance() : args.node(0);
  }

  /**
   * Handles a response from another server to one of this server's requests; unknown ones are ignored. Backends call
   * it from their receiving thread; it does not block.
   *
   * @param r the response received
   */
  protected void onResponse(ClusterResponse r) {
    if (r.uid() != null && uid.equals(r.uid())) {
      return;
    }
    received.increment();
    seen(r.uid());
    try {
      if (r instanceof ClusterResponse.BroadcastClientCount c) {
        AckRequest a = ackRequests.get(c.requestId());
        if (a != null) {
          a.clientCount().accept(c.clientCount());
        }
      } else if (r instanceof ClusterResponse.BroadcastAck b) {
        AckRequest a = ackRequests.get(b.requestId());
        if (a != null) {
          a.ack().onAck(new Args(List.of(b.packet() == null ? NullNode.getInstance() : b.packet()),
              nsp.codec().mapper()));
        }
      } else if (r instanceof ClusterResponse.FetchSocketsResponse f) {
        answer(f.requestId(), f.uid(), f.sockets(), SocketDetails.class);
      } else if (r instanceof ClusterResponse.ServerSideEmitResponse s) {
        JsonNode p = s.packet() == null ? NullNode.getInstance() : s.packet();
        answer(s.requestId(), s.uid(), List.of(new Args(List.of(p), nsp.codec().mapper())), Args.class);
      }
    } catch (RuntimeException e) {
      log.warn("[{}] cannot handle response {} in {}", uid, r.type(), nsp.name(), e);
    }
  }

  /**
   * {@return whether a request with this id is waiting for answers here (backends use it to skip their own requests)}
   *
   * @param requestId the request id of a message or response, or {@code null}
   */
  protected boolean isPendingRequest(String requestId) {
    return requestId != null && (requests.containsKey(requestId) || ackRequests.containsKey(requestId));
  }

  private <T> void answer(String requestId, String from, List<?> values, Class<T> type) {
    Request<?> r = requests.get(requestId);
    if (r == null) {
      return;
    }
    List<T> typed = new ArrayList<>(values.size());
    for (Object v : values) {
      typed.add(type.cast(v));
    }
    @SuppressWarnings("unchecked")
    Request<T> req = (Request<T>) r;
    req.add(from, typed);
  }

  private void seen(String node) {
    if (node != null && !node.equals(uid) && !EMITTER_UID.equals(node)) {
      if (nodes.put(node, System.nanoTime()) == null) {
        clusterLog.info("[{}] server {} joined the cluster in {} ({} servers)", uid, node, nsp.name(),
            1 + nodes.size());
        if (nodes.size() > MAX_KNOWN_NODES) {
          forgetOldestNodes(); // servers that left without ADAPTER_CLOSE (classic Redis mode) must not pile up
        }
      }
    }
  }

  private void forgetOldestNodes() {
    List<Map.Entry<String, Long>> all = new ArrayList<>(nodes.entrySet());
    all.sort(Map.Entry.comparingByValue());
    for (int i = 0; i < all.size() / 2; i++) {
      nodes.remove(all.get(i).getKey(), all.get(i).getValue());
    }
  }

  private void nodeLeft(String node) {
    if (node == null) {
      return;
    }
    if (nodes.remove(node) != null) {
      clusterLog.info("[{}] server {} left the cluster in {} ({} servers)", uid, node, nsp.name(), 1 + nodes.size());
    }
    for (Request<?> r : List.copyOf(requests.values())) {
      r.nodeLeft(node);
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    try {
      return nsp.server().scheduler().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) { // the server is closing
      task.run();
      return null;
    }
  }

  /** An acknowledgement that answers a server-side event of another server, once. */
  private final class RemoteAck implements Ack {
    private final String requester;
    private final String requestId;
    private final AtomicBoolean sent = new AtomicBoolean();

    RemoteAck(String requester, String requestId) {
      this.requester = requester;
      this.requestId = requestId;
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
      JsonNode first = args.length == 0 ? NullNode.getInstance() : nsp.codec().toNode(args[0]);
      publishResponse(requester, new ClusterResponse.ServerSideEmitResponse(uid, nsp.name(), requestId, first));
      return true;
    }
  }

  /** A request waiting for {@code expected} answers. */
  private final class Request<T> {
    final String requestId;
    final CompletableFuture<ClusterReplies<T>> future = new CompletableFuture<>();
    private final List<T> values;
    private final Set<String> responders = new HashSet<>();
    private int expected;
    private int received;
    private final ScheduledFuture<?> timer;

    Request(String requestId, int expected, List<T> initial, Duration timeout) {
      this.requestId = requestId;
      this.expected = expected;
      this.values = new ArrayList<>(initial);
      this.timer = schedule(this::finish, timeout);
    }

    synchronized void add(String from, List<T> items) {
      if (future.isDone() || (from != null && !responders.add(from))) {
        return;
      }
      values.addAll(items);
      received++;
      if (received >= expected) {
        finish();
      }
    }

    synchronized void nodeLeft(String node) {
      if (!future.isDone() && !responders.contains(node) && expected > 0) {
        expected--;
        if (received >= expected) {
          finish();
        }
      }
    }

    synchronized void finish() {
      requests.remove(requestId, this);
      if (timer != null) {
        timer.cancel(false);
      }
      if (future.isDone()) {
        return;
      }
      Set<String> silent = new HashSet<>(nodes.keySet());
      silent.removeAll(responders);
      if (received >= expected) {
        silent.clear();
      } else {
        requestTimeouts.increment();
      }
      future.complete(new ClusterReplies<>(values, expected, received, silent));
    }
  }
}
