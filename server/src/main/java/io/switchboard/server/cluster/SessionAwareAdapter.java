package io.switchboard.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.switchboard.server.BroadcastOptions;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.InMemoryAdapter;
import io.switchboard.server.Namespace;
import io.switchboard.server.parser.Packet;
import io.switchboard.server.parser.PacketType;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The in-memory adapter with connection state recovery: it keeps every stored-kind broadcast (EVENT, no ack, not
 * volatile) with an offset for {@code maxDisconnectionDuration}, and the sessions of sockets that lost their
 * connection.
 *
 * <pre>{@code
 * ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.DEFAULT).build(); // selects this adapter
 * }</pre>
 *
 * <p>Offsets are {@code <epoch>-<sequence>}: the epoch is random per adapter, so an offset from another server or an
 * earlier run is never mistaken for one of ours. A private id works once: the session is taken out of the store when
 * it is restored, so a replayed id gets a fresh session (the recovered socket keeps its id, which the client compares
 * to tell it was recovered, and it is stored again at the next disconnection). A client that sends no offset (it
 * received nothing) is replayed everything after the point where it connected.
 */
public class SessionAwareAdapter extends InMemoryAdapter {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final long maxAgeNanos;
  private final int maxPackets;
  private final LongSupplier clock;
  private final String epoch;
  private final Object lock = new Object();
  private final Deque<Stored> packets = new ArrayDeque<>();
  private final Map<String, Kept> sessions = new HashMap<>();
  private long sequence;
  private long evictedUpTo;

  private record Stored(long seq, long at, BroadcastOptions opts, ArrayNode data) {}

  private record Kept(PersistedSession session, long at) {}

  /**
   * Creates the adapter of a namespace; the server does so when connection state recovery is on and no adapter factory
   * is set.
   *
   * @param nsp      the namespace
   * @param settings how long sessions and packets are kept ({@code maxDisconnectionDuration}) and how many packets at
   *                 most ({@code maxStoredPackets})
   */
  public SessionAwareAdapter(Namespace nsp, ConnectionStateRecovery settings) {
    this(nsp, settings, System::nanoTime);
  }

  SessionAwareAdapter(Namespace nsp, ConnectionStateRecovery settings, LongSupplier clock) {
    super(nsp);
    this.maxAgeNanos = settings.maxDisconnectionDuration().toNanos();
    this.maxPackets = settings.maxStoredPackets();
    this.clock = clock;
    this.epoch = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
  }

  @Override
  public void broadcast(Packet packet, BroadcastOptions opts) {
    if (!stored(packet, opts)) {
      super.broadcast(packet, opts);
      return;
    }
    synchronized (lock) {
      long now = clock.getAsLong();
      evict(now);
      long seq = ++sequence;
      ArrayNode data = ((ArrayNode) packet.data()).deepCopy();
      data.add(offset(seq));
      packets.addLast(new Stored(seq, now, opts, data));
      if (packets.size() > maxPackets) {
        evictedUpTo = packets.pollFirst().seq();
      }
      super.broadcast(packet.withData(data), opts);
    }
  }

  private static boolean stored(Packet packet, BroadcastOptions opts) {
    return packet.type() == PacketType.EVENT && packet.id() == null && !opts.flags().volatileEmit();
  }

  @Override
  protected boolean carriesOffset(Packet packet, BroadcastOptions opts) {
    return stored(packet, opts);
  }

  /**
   * {@return the offset of the newest stored packet: where a socket connecting now starts} The server reads it when a
   * socket connects, as the point to replay from if its client comes back without having received any event.
   */
  public String currentOffset() {
    synchronized (lock) {
      return offset(sequence);
    }
  }

  @Override
  public void persistSession(PersistedSession session) {
    synchronized (lock) {
      long now = clock.getAsLong();
      evict(now);
      sessions.put(session.pid(), new Kept(session, now));
    }
  }

  @Override
  public CompletionStage<RestoredSession> restoreSession(String pid, String offset) {
    synchronized (lock) {
      return CompletableFuture.completedFuture(restore(pid, offset));
    }
  }

  /**
   * Restores a session and, under the same lock as broadcasts, lets the namespace make the socket a recipient, so that
   * no broadcast falls between the missed packets and the live ones.
   */
  @Override
  public <T> T restoreAndRegister(String pid, String offset, Function<RestoredSession, T> register) {
    synchronized (lock) {
      return register.apply(restore(pid, offset));
    }
  }

  @Override
  public <T> T resume(String sid, Set<String> rooms, String offset, Function<Resumption, T> register) {
    synchronized (lock) {
      evict(clock.getAsLong());
      List<JsonNode> missed = null;
      long start = offset == null ? -1 : parse(offset);
      if (start >= 0 && start >= evictedUpTo && start <= sequence) {
        missed = new ArrayList<>();
        for (Stored p : packets) {
          if (p.seq() > start && matches(sid, rooms, p.opts())) {
            missed.add(p.data());
          }
        }
      }
      return register.apply(new Resumption(missed, offset(sequence)));
    }
  }

  private RestoredSession restore(String pid, String offset) {
    long now = clock.getAsLong();
    evict(now);
    Kept kept = sessions.remove(pid);
    if (kept == null) {
      return null;
    }
    PersistedSession s = kept.session();
    String from = offset != null ? offset : s.baseOffset();
    long start = parse(from);
    if (start < 0 || start < evictedUpTo || start > sequence) {
      return null;
    }
    List<JsonNode> missed = new ArrayList<>();
    for (Stored p : packets) {
      if (p.seq() > start && matches(s.sid(), s.rooms(), p.opts())) {
        missed.add(p.data());
      }
    }
    return new RestoredSession(s.sid(), s.pid(), s.rooms(), s.data(), missed);
  }

  private static boolean matches(String sid, Set<String> rooms, BroadcastOptions opts) {
    boolean included = opts.rooms().isEmpty();
    for (String r : opts.rooms()) {
      if (rooms.contains(r) || r.equals(sid)) {
        included = true;
        break;
      }
    }
    if (!included) {
      return false;
    }
    for (String r : opts.except()) {
      if (rooms.contains(r) || r.equals(sid)) {
        return false;
      }
    }
    return true;
  }

  private void evict(long now) {
    while (!packets.isEmpty() && (now - packets.peekFirst().at() > maxAgeNanos || packets.size() > maxPackets)) {
      evictedUpTo = packets.pollFirst().seq();
    }
    Iterator<Kept> it = sessions.values().iterator();
    while (it.hasNext()) {
      if (now - it.next().at() > maxAgeNanos) {
        it.remove();
      }
    }
  }

  private String offset(long seq) {
    return epoch + "-" + Long.toString(seq, 36);
  }

  private long parse(String offset) {
    if (offset == null || offset.length() > 40) {
      return -1;
    }
    int dash = offset.indexOf('-');
    if (dash < 0 || !offset.substring(0, dash).equals(epoch)) {
      return -1;
    }
    try {
      return Long.parseLong(offset.substring(dash + 1), 36);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
