package io.switchboard.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.Namespace;
import io.switchboard.server.cluster.ClusterMessage;
import io.switchboard.server.cluster.ClusterMessageMapper;
import io.switchboard.server.cluster.ClusterMessageType;
import io.switchboard.server.cluster.ClusterResponse;
import io.switchboard.server.cluster.PersistedSession;
import io.switchboard.server.cluster.RestoredSession;
import io.switchboard.server.cluster.Resumption;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter of one namespace on Redis Streams, on the wire exactly as {@code @socket.io/redis-streams-adapter}
 * 0.3.1: Java and Node servers share one cluster, and a client can recover its session on either.
 *
 * <pre>{@code
 * RedisStreamsAdapterFactory redis = RedisStreamsAdapterFactory.create("redis://127.0.0.1:6379");
 * Server io = new Server(ServerOptions.builder().adapter(redis)
 *     .connectionStateRecovery(ConnectionStateRecovery.DEFAULT).build());
 * }</pre>
 *
 * <p>Broadcasts, socketsJoin/Leave and disconnectSockets are stream entries ({@code XADD stream MAXLEN ~ n}); requests
 * that wait for answers go by pub/sub on {@code prefix#nsp#}, answers on {@code prefix#nsp#uid#}. The server count
 * is the number of subscribers of {@code prefix#nsp#}.
 *
 * <p>With connection state recovery on, the stream is the store of missed packets and the stream id of an entry is
 * the offset its event carries. A server's own stored broadcasts are delivered to its own clients when its reader
 * reads them back, so every client sees the entries of its namespace in stream order and its offset only grows.
 * Unlike the reference, which saves a session only when its client disconnects, the session of each connected socket
 * is kept in Redis all along (written when it connects, joins or leaves a room, or gets new data; its time to live
 * renewed while it is connected), so a client whose server was killed recovers on another one. Each record names
 * its writer, and the writes are compare-and-set on that name, so a record that another server restored (taken with
 * GETDEL: once, cluster-wide) is never written back by the server that lost the client.
 */
final class RedisStreamsAdapter extends RedisLinkAdapter {
  private static final Logger log = LoggerFactory.getLogger(RedisStreamsAdapter.class);
  private static final Pattern OFFSET = Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");

  /** SET the record if the stored one has the same owner: KEYS[1] key, ARGV[1] record, ARGV[2] ttl in ms. */
  private static final byte[] UPDATE = StreamsWire.bytes(
      "local cur = redis.call('GET', KEYS[1]) "
          + "if cur and string.sub(cur, 1, 32) == string.sub(ARGV[1], 1, 32) then "
          + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0");
  /** PEXPIRE the record if its owner prefix is ARGV[1]: KEYS[1] key, ARGV[2] ttl in ms. */
  private static final byte[] REFRESH = StreamsWire.bytes(
      "local cur = redis.call('GET', KEYS[1]) "
          + "if cur and string.sub(cur, 1, 32) == ARGV[1] then "
          + "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0");
  /** DEL the record if its owner prefix is ARGV[1]. */
  private static final byte[] DISCARD = StreamsWire.bytes(
      "local cur = redis.call('GET', KEYS[1]) "
          + "if cur and string.sub(cur, 1, 32) == ARGV[1] then "
          + "return redis.call('DEL', KEYS[1]) end return 0");

  private final RedisStreamsAdapterFactory factory;
  private final RedisClusterAsyncCommands<byte[], byte[]> redis;
  private final RedisStreamsAdapterOptions opts;
  private final StreamsWire wire;
  private final StreamReader reader;
  private final byte[] streamKey;
  private final StreamOutbox outbox;
  private final String publicChannel;
  private final String privateChannel;
  private final ConnectionStateRecovery recovery;
  private final Map<String, Tracked> sessions = new ConcurrentHashMap<>();
  private final AtomicLong localOnly = new AtomicLong();
  private final AtomicLong repeats = new AtomicLong();
  private final Map<String, Long> seen = sequences(); // guarded by the reader's lock
  private final AtomicLong lastLocalOnlyLog = new AtomicLong();
  private final long liveTtlMillis;
  private final ScheduledFuture<?> refresher;

  RedisStreamsAdapter(Namespace nsp, RedisStreamsAdapterFactory factory, RedisLink link, StreamReader reader,
      RedisStreamsAdapterOptions opts) {
    super(nsp, opts.requestsTimeout(), link);
    this.factory = factory;
    this.redis = link.commands();
    this.opts = opts;
    this.wire = new StreamsWire(mapper(), opts.onlyPlaintext());
    this.reader = reader;
    this.streamKey = StreamsWire.bytes(reader.key());
    this.outbox = factory.outbox(reader.key());
    this.publicChannel = opts.channelPrefix() + "#" + nsp.name() + "#";
    this.privateChannel = publicChannel + uid() + "#";
    this.recovery = nsp.server().options().connectionStateRecovery();
    if (recovery != null) {
      long max = recovery.maxDisconnectionDuration().toMillis();
      long every = Math.max(1_000, Math.min(60_000, max / 4));
      this.liveTtlMillis = max + 2 * every;
      this.refresher = link.scheduler().scheduleWithFixedDelay(this::refreshSessions, every, every,
          TimeUnit.MILLISECONDS);
    } else {
      this.liveTtlMillis = 0;
      this.refresher = null;
    }
    if (opts.useShardedPubSub()) {
      link.ssubscribe(publicChannel, this::onPubSub);
      link.ssubscribe(privateChannel, this::onPubSub);
    } else {
      link.subscribe(publicChannel, this::onPubSub);
      link.subscribe(privateChannel, this::onPubSub);
    }
  }

  @Override
  public CompletionStage<Integer> serverCount() {
    return opts.useShardedPubSub() ? link.shardNumsub(publicChannel) : link.numsub(publicChannel);
  }

  @Override
  public void close() {
    if (isClosed()) {
      return;
    }
    super.close();
    if (refresher != null) {
      refresher.cancel(false);
    }
    if (opts.useShardedPubSub()) {
      link.sunsubscribe(publicChannel);
      link.sunsubscribe(privateChannel);
    } else {
      link.unsubscribe(publicChannel);
      link.unsubscribe(privateChannel);
    }
    factory.closed(this);
    outbox.close();
  }

  String namespaceName() {
    return nsp.name();
  }

  /** The stream this namespace uses. */
  String streamKey() {
    return reader.key();
  }

  /** How many entries wait to be added to the stream. */
  int waitingEntries() {
    return outbox.waiting();
  }

  /** How many entries were skipped as repeats of entries already handed over. */
  long repeatedEntries() {
    return repeats.get();
  }

  /** How many broadcasts were delivered on this server only because their entry could not be added. */
  long localOnlyBroadcasts() {
    return localOnly.get();
  }

  // ---- sending ----

  @Override
  protected CompletionStage<Void> doPublish(ClusterMessage m) {
    if (StreamsWire.isEphemeral(m)) {
      byte[] payload = wire.pubsubPayload(m);
      return (opts.useShardedPubSub() ? link.spublish(publicChannel, payload) : link.publish(publicChannel, payload))
          .thenApply(x -> null);
    }
    return xadd(m).thenApply(x -> null);
  }

  @Override
  protected CompletionStage<Void> doPublishResponse(String requesterUid, ClusterResponse r) {
    String channel = opts.channelPrefix() + "#" + nsp.name() + "#" + requesterUid + "#";
    byte[] payload = wire.pubsubPayload(r);
    return (opts.useShardedPubSub() ? link.spublish(channel, payload) : link.publish(channel, payload))
        .thenApply(x -> null);
  }

  /**
   * Adds the entry of a message, with this adapter's next sequence number (the reference ignores the extra field);
   * completes with its id.
   */
  private CompletionStage<String> xadd(ClusterMessage m) {
    byte[][] node = wire.entryFields(m);
    byte[][] fields = Arrays.copyOf(node, node.length + 2);
    fields[node.length] = StreamsWire.SEQ;
    return outbox.addNumbered(fields); // numbered in the order of the stream (the outbox's, under its lock)
  }

  /**
   * Whether an entry repeats one already handed over: the same publisher and a sequence number not above the last
   * one seen (Lettuce resends a command whose reply a lost connection swallowed, and the first copy may have been
   * added and read already). Entries without a sequence (Node's) are never repeats.
   */
  private static boolean repeated(ObjectNode tree, Map<String, Long> lastSeq) {
    JsonNode seq = tree.get("seq");
    JsonNode from = tree.get("uid");
    if (seq == null || !seq.canConvertToLong() || from == null || !from.isTextual()) {
      return false;
    }
    Long last = lastSeq.get(from.textValue());
    if (last != null && seq.longValue() <= last) {
      return true;
    }
    lastSeq.put(from.textValue(), seq.longValue());
    return false;
  }

  /** The last sequence number handed over per publisher, bounded (publishers come and go). */
  private static Map<String, Long> sequences() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > 1024;
      }
    };
  }

  /**
   * With recovery on, a stored broadcast (an event without ack, not volatile) is delivered here when the reader reads
   * its entry back, with its offset, in stream order. If the entry cannot be added (too many commands wait for Redis,
   * or Redis refused it), it is delivered on this server only, without an offset, and counted.
   */
  @Override
  public void broadcast(Packet packet, BroadcastOptions opts) {
    if (!storedHere(packet, opts)) {
      super.broadcast(packet, opts);
      return;
    }
    xadd(new ClusterMessage.Broadcast(uid(), nsp.name(), packet, opts, null)).whenComplete((id, e) -> {
      if (e != null) {
        long n = localOnly.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLocalOnlyLog.get();
        if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(1)) && lastLocalOnlyLog.compareAndSet(last, now)) {
          log.warn("[{}] cannot add a broadcast to {} ({} delivered on this server only so far): {}", uid(),
              reader.key(), n, e.toString());
        }
        deliverLocally(packet, opts, false); // no offset: no entry
      }
    });
  }

  /** A stored broadcast carries its entry id as last argument, as the reference appends it. */
  @Override
  protected boolean carriesOffset(Packet packet, BroadcastOptions opts) {
    return storedHere(packet, opts);
  }

  /** Whether a broadcast is stored (recovery on, event without ack, not volatile, not local-only). */
  private boolean storedHere(Packet packet, BroadcastOptions o) {
    return recovery != null && !o.flags().local() && !o.flags().volatileEmit() && packet.id() == null
        && (packet.type() == PacketType.EVENT || packet.type() == PacketType.BINARY_EVENT);
  }

  // ---- receiving ----

  /** An entry of this namespace, from the reader, under its lock. */
  void onEntry(String id, ObjectNode tree) {
    if (repeated(tree, seen)) {
      repeats.incrementAndGet();
      return;
    }
    ClusterMessageType type = ClusterMessageMapper.typeOf(tree);
    if (type == null || type.isResponse()) {
      link.undecodable(uid(), reader.key() + " " + id, 0, "unknown entry type " + tree.get("type"));
      return;
    }
    String from = tree.path("uid").isTextual() ? tree.get("uid").textValue() : null;
    boolean mine = uid().equals(from);
    if (mine && type != ClusterMessageType.BROADCAST) {
      return; // applied here when it was sent
    }
    ClusterMessage m;
    try {
      m = mapper().readMessage(tree);
    } catch (IllegalArgumentException e) {
      link.undecodable(uid(), reader.key() + " " + id, 0, e.getMessage());
      return;
    }
    if (m instanceof ClusterMessage.Broadcast b && b.requestId() == null) {
      boolean stored = storedHere(b.packet(), b.opts());
      Packet p = b.packet();
      if (stored && p.data() instanceof ArrayNode data) {
        data.add(id); // the offset, as the reference appends it
      }
      if (mine) {
        if (stored) {
          deliverLocally(p, b.opts());
        }
        return;
      }
      m = new ClusterMessage.Broadcast(from, b.nsp(), p, b.opts(), null);
    }
    onMessage(m);
  }

  private void onPubSub(String channel, byte[] payload) {
    try {
      JsonNode tree = RedisParser.decode(payload);
      ClusterMessageType type = ClusterMessageMapper.typeOf(tree);
      if (type == null) {
        throw new IllegalArgumentException("unknown message type " + tree.get("type"));
      }
      if (type.isResponse()) {
        onResponse(mapper().readResponse(tree));
      } else {
        onMessage(mapper().readMessage(tree));
      }
    } catch (IllegalArgumentException e) {
      link.undecodable(uid(), channel, payload.length, e.getMessage());
    }
  }

  // ---- sessions ----

  private byte[] sessionKey(String pid) {
    return StreamsWire.bytes(opts.sessionKeyPrefix() + pid);
  }

  /** A connected socket whose session this server keeps in Redis. */
  private final class Tracked {
    final String sid;
    final String owner = newId(8);
    final String baseOffset;
    volatile Supplier<PersistedSession> state;
    String pid;
    byte[] key;
    byte[] prefix;
    boolean claimed;
    boolean writing;
    boolean dirty;
    boolean stale;
    boolean lost;

    Tracked(String sid, String baseOffset) {
      this.sid = sid;
      this.baseOffset = baseOffset;
    }

    void changed(Supplier<PersistedSession> s) {
      state = s;
      synchronized (this) {
        dirty = true;
        if (writing || lost) {
          return;
        }
        writing = true;
      }
      write();
    }

    /** Writes the current state: a plain SET the first time (this server now owns the record), then CAS. */
    private void write() {
      PersistedSession s;
      boolean cas;
      synchronized (this) {
        dirty = false;
        cas = claimed;
      }
      try {
        s = state.get();
      } catch (RuntimeException e) {
        s = null;
      }
      if (s == null) {
        synchronized (this) {
          writing = false;
        }
        sessions.remove(sid, this); // the socket is gone
        return;
      }
      byte[] value = record(s, owner, baseOffset);
      if (key == null) {
        pid = s.pid();
        key = sessionKey(pid);
        prefix = StreamsWire.SessionRecord.ownerPrefix(value);
      }
      CompletionStage<Boolean> done = cas ? update(key, value, liveTtlMillis) : set(key, value, liveTtlMillis);
      done.whenComplete((ok, e) -> {
        boolean again;
        synchronized (this) {
          if (e != null) {
            stale = true; // written again by the next refresh
          } else if (!ok) {
            lost = true; // restored elsewhere, or gone: never written back from here
          } else {
            claimed = true;
            stale = false;
          }
          again = dirty && !lost && e == null;
          writing = again;
        }
        if (e != null) {
          log.debug("[{}] cannot save the session of {}: {}", uid(), sid, e.toString());
        }
        if (again) {
          write();
        }
      });
    }

    /** Renews the time to live, or rewrites the record if the last write failed. */
    void refresh() {
      boolean rewrite;
      synchronized (this) {
        if (writing) {
          return;
        }
        if (lost || key == null) {
          if (state == null || state.get() == null) {
            sessions.remove(sid, this); // a tracker whose socket left without a word (a change racing its leaving)
          }
          return;
        }
        if (stale || !claimed) {
          rewrite = true;
          writing = true;
        } else {
          rewrite = false;
        }
      }
      if (rewrite) {
        write();
        return;
      }
      link.bounded(() -> redis.<Long>eval(REFRESH, ScriptOutputType.INTEGER, new byte[][] {key}, prefix,
          StreamsWire.bytes(Long.toString(liveTtlMillis)))).whenComplete((n, e) -> {
            if (e == null && (n == null || n == 0)) {
              synchronized (this) {
                lost = true;
              }
            }
          });
    }
  }

  private byte[] record(PersistedSession s, String owner, String baseOffset) {
    Set<String> rooms = new LinkedHashSet<>(s.rooms());
    rooms.add(s.sid()); // a restored socket rejoins its own room from here
    JsonNode data = s.data() == null ? null : mapper().valueToTree(s.data());
    return new StreamsWire.SessionRecord(owner, s.sid(), s.pid(), rooms, data, baseOffset).encode();
  }

  private CompletionStage<Boolean> set(byte[] key, byte[] value, long ttl) {
    return link.bounded(() -> redis.set(key, value, SetArgs.Builder.px(ttl))).thenApply("OK"::equals);
  }

  private CompletionStage<Boolean> update(byte[] key, byte[] value, long ttl) {
    return link.bounded(() -> redis.<Long>eval(UPDATE, ScriptOutputType.INTEGER, new byte[][] {key}, value,
        StreamsWire.bytes(Long.toString(ttl)))).thenApply(n -> n != null && n == 1);
  }

  private void refreshSessions() {
    try {
      for (Tracked t : sessions.values()) {
        t.refresh();
      }
    } catch (RuntimeException e) {
      log.warn("[{}] refreshing sessions failed", uid(), e);
    }
  }

  @Override
  public void sessionChanged(String sid, Supplier<PersistedSession> state) {
    if (recovery == null) {
      return;
    }
    sessions.computeIfAbsent(sid, k -> new Tracked(k, reader.position())).changed(state);
  }

  @Override
  public void persistSession(PersistedSession session) {
    if (recovery == null) {
      return;
    }
    Tracked t = sessions.remove(session.sid());
    long ttl = recovery.maxDisconnectionDuration().toMillis();
    if (t == null) {
      byte[] value = record(session, newId(8), session.baseOffset());
      set(sessionKey(session.pid()), value, ttl).whenComplete((ok, e) -> failedSave(session.sid(), e));
      return;
    }
    boolean cas;
    synchronized (t) {
      if (t.lost) {
        return; // another server has it now
      }
      t.lost = true; // no more writes from the tracker
      cas = t.claimed || t.writing;
    }
    byte[] value = record(session, t.owner, t.baseOffset);
    byte[] key = sessionKey(session.pid());
    (cas ? update(key, value, ttl) : set(key, value, ttl)).whenComplete((ok, e) -> failedSave(session.sid(), e));
  }

  private void failedSave(String sid, Throwable e) {
    if (e != null) {
      log.warn("[{}] cannot save the session of {} for recovery: {}", uid(), sid, e.toString());
    }
  }

  @Override
  public void discardSession(String sid, String pid) {
    Tracked t = sessions.remove(sid);
    if (t == null || recovery == null) {
      return;
    }
    byte[] prefix;
    synchronized (t) {
      if (t.lost || t.key == null) {
        t.lost = true;
        return;
      }
      t.lost = true;
      prefix = t.prefix;
    }
    link.bounded(() -> redis.<Long>eval(DISCARD, ScriptOutputType.INTEGER, new byte[][] {t.key}, prefix))
        .whenComplete((n, e) -> {
          if (e != null) {
            log.debug("[{}] cannot delete the session of {}: {}", uid(), sid, e.toString());
          }
        });
  }

  @Override
  public CompletionStage<RestoredSession> restoreSession(String pid, String offset) {
    return CompletableFuture.completedFuture(restoreAndRegister(pid, offset, s -> s));
  }

  /** What a restore found: the record, the matching entries after the offset, and the last entry id looked at. */
  private record Found(StreamsWire.SessionRecord session, List<String> ids, List<JsonNode> packets, String last) {}

  @Override
  public <T> T restoreAndRegister(String pid, String offset, Function<RestoredSession, T> register) {
    if (recovery == null) {
      return register.apply(null);
    }
    Found found;
    try {
      found = find(pid, offset);
    } catch (Exception e) {
      log.warn("[{}] cannot restore a session in {}: {}", uid(), nsp.name(), e.toString());
      found = null;
    }
    if (found == null) {
      return register.apply(null);
    }
    StreamsWire.SessionRecord s = found.session();
    return catchUp(found.ids(), found.packets(), found.last(), s.rooms(), s.sid(), missed -> register.apply(
        missed == null ? null : new RestoredSession(s.sid(), s.pid(), s.rooms(), s.data(), missed)));
  }

  /**
   * Given the matching entries fetched after an offset (up to {@code last}), fetches on until the reader's position,
   * and hands {@code register} the entries up to that position (the missed ones; those after it are still to come,
   * live), under the reader's lock so that none falls between; {@code null} if the budget ran out or Redis failed.
   */
  private <T> T catchUp(List<String> fetchedIds, List<JsonNode> fetched, String fetchedUpTo, Set<String> rooms,
      String sid, Function<List<JsonNode>, T> register) {
    int scanned = fetchedIds.size();
    String last = fetchedUpTo;
    List<String> ids = new ArrayList<>(fetchedIds);
    List<JsonNode> packets = new ArrayList<>(fetched);
    for (int round = 0; ; round++) {
      synchronized (reader.lock()) {
        String position = reader.position();
        if (StreamReader.compareIds(position, last) <= 0) {
          List<JsonNode> missed = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            if (StreamReader.compareIds(ids.get(i), position) <= 0) {
              missed.add(packets.get(i));
            }
          }
          return register.apply(missed);
        }
      }
      // the reader is ahead of what was fetched: fetch up to it
      try {
        Batch more = fetch(last, rooms, sid, opts.maxRestoredEntries() - scanned);
        if (more == null || round > 100) {
          return register.apply(null);
        }
        ids.addAll(more.ids());
        packets.addAll(more.packets());
        scanned += more.scanned();
        last = more.last();
      } catch (Exception e) {
        log.warn("[{}] cannot catch up in {}: {}", uid(), nsp.name(), e.toString());
        return register.apply(null);
      }
    }
  }

  /**
   * An event stream resuming from {@code offset} (its {@code Last-Event-ID}, an entry id): the stored broadcasts after
   * it for its rooms, from the stream, handed over with no gap before the live ones; none (a fresh stream) if the
   * entry is no longer in the stream or the offset is not an entry id. The position is the reader's.
   */
  @Override
  public <T> T resume(String sid, Set<String> rooms, String offset, Function<Resumption, T> register) {
    if (recovery == null) {
      return register.apply(Resumption.NONE);
    }
    if (offset == null || !OFFSET.matcher(offset).matches() || StreamReader.parseId(offset) == null) {
      synchronized (reader.lock()) {
        return register.apply(new Resumption(null, reader.position()));
      }
    }
    Batch b = null;
    try {
      List<StreamMessage<byte[], byte[]>> at = await(redis.xrange(streamKey, Range.create(offset, offset)));
      if (!at.isEmpty()) {
        b = fetch(offset, rooms, sid, opts.maxRestoredEntries());
      }
    } catch (Exception e) {
      log.warn("[{}] cannot resume a stream in {}: {}", uid(), nsp.name(), e.toString());
    }
    if (b == null) {
      synchronized (reader.lock()) {
        return register.apply(new Resumption(null, reader.position()));
      }
    }
    return catchUp(b.ids(), b.packets(), b.last(), rooms, sid, missed -> {
      synchronized (reader.lock()) {
        return register.apply(new Resumption(missed, reader.position()));
      }
    });
  }

  private Found find(String pid, String offset) throws Exception {
    if (offset != null && !OFFSET.matcher(offset).matches()) {
      return null; // not a stream id: a fresh session (the record stays for a valid attempt)
    }
    byte[] raw = await(redis.getdel(sessionKey(pid)));
    if (raw == null) {
      return null;
    }
    StreamsWire.SessionRecord s;
    try {
      s = StreamsWire.SessionRecord.decode(raw);
    } catch (IllegalArgumentException e) {
      log.warn("[{}] dropped an unreadable session record: {}", uid(), e.getMessage());
      return null;
    }
    if (!pid.equals(s.pid())) {
      return null;
    }
    if (nsp.sockets().containsKey(s.sid())) {
      // the same client is still connected here (its old transport is not known dead yet): keep the record for
      // that socket and give this connection a fresh session
      await(redis.set(sessionKey(pid), raw, SetArgs.Builder.px(liveTtlMillis)));
      return null;
    }
    String from = offset != null ? offset : s.baseOffset();
    if (from == null || StreamReader.parseId(from) == null) {
      return null;
    }
    if (!"0-0".equals(from)) {
      List<StreamMessage<byte[], byte[]>> at = await(redis.xrange(streamKey, Range.create(from, from)));
      if (at.isEmpty()) {
        return null; // trimmed, or Redis lost the stream: the gap cannot be filled
      }
    }
    Batch b = fetch(from, s.rooms(), s.sid(), opts.maxRestoredEntries());
    if (b == null) {
      return null;
    }
    return new Found(s, b.ids(), b.packets(), b.last());
  }

  private record Batch(List<String> ids, List<JsonNode> packets, int scanned, String last) {}

  /** The matching stored packets after {@code after}, up to the end of the stream; {@code null} if over budget. */
  private Batch fetch(String after, Set<String> rooms, String sid, int budget) throws Exception {
    List<String> ids = new ArrayList<>();
    List<JsonNode> packets = new ArrayList<>();
    int scanned = 0;
    String last = after;
    int count = Math.max(opts.readCount(), 100);
    Map<String, Long> lastSeq = sequences();
    while (true) {
      List<StreamMessage<byte[], byte[]>> batch = await(redis.xrange(streamKey,
          Range.from(Range.Boundary.excluding(last), Range.Boundary.unbounded()), Limit.create(0, count)));
      for (StreamMessage<byte[], byte[]> e : batch) {
        last = e.getId();
        if (++scanned > budget) {
          log.info("[{}] a session missed more than {} entries of {}: not restored", uid(),
              opts.maxRestoredEntries(), reader.key());
          return null;
        }
        JsonNode packet = storedPacket(e, lastSeq);
        if (packet != null) {
          ObjectNode tree = (ObjectNode) packet;
          BroadcastOptions o = mapper().treeToOptions(tree.get("opts"));
          if (includes(sid, rooms, o)) {
            ArrayNode data = (ArrayNode) tree.get("packet").get("data");
            data.add(e.getId());
            ids.add(e.getId());
            packets.add(data);
          }
        }
      }
      if (batch.size() < count) {
        return new Batch(ids, packets, scanned, last);
      }
    }
  }

  /** The {@code data} of a stored broadcast of this namespace ({@code {packet, opts}}), or {@code null}. */
  private JsonNode storedPacket(StreamMessage<byte[], byte[]> e, Map<String, Long> lastSeq) {
    try {
      ObjectNode tree = StreamsWire.entryTree(e.getBody());
      if (tree == null || !nsp.name().equals(tree.get("nsp").textValue()) || repeated(tree, lastSeq)
          || ClusterMessageMapper.typeOf(tree) != ClusterMessageType.BROADCAST) {
        return null;
      }
      JsonNode d = tree.get("data");
      if (d == null || !d.isObject() || d.has("requestId")) {
        return null;
      }
      Packet p = mapper().treeToPacket(d.get("packet"), nsp.name());
      BroadcastOptions o = mapper().treeToOptions(d.get("opts"));
      if (!storedHere(p, o)) {
        return null;
      }
      return d;
    } catch (IllegalArgumentException ex) {
      return null;
    }
  }

  private static boolean includes(String sid, Set<String> rooms, BroadcastOptions o) {
    boolean in = o.rooms().isEmpty();
    for (String r : o.rooms()) {
      if (rooms.contains(r) || r.equals(sid)) {
        in = true;
        break;
      }
    }
    if (!in) {
      return false;
    }
    for (String r : o.except()) {
      if (rooms.contains(r) || r.equals(sid)) {
        return false;
      }
    }
    return true;
  }

  private <T> T await(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(opts.commandTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
  }

  @Override
  public String toString() {
    return "RedisStreamsAdapter[" + nsp.name() + " on " + reader.key() + ", " + uid() + "]";
  }
}
