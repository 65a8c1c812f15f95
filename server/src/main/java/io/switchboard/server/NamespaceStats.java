package io.switchboard.server;

import io.switchboard.server.cluster.ClusterStats;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one namespace on this server: sockets connected by transport, connects and disconnects,
 * events in and out, broadcasts, acknowledgements, and the cluster adapter's own statistics. Lock-free adders,
 * bumped as the server works and read whenever someone asks (see {@link ServerStats}).
 *
 * <pre>{@code
 * NamespaceStats chat = io.of("/chat").stats();
 * long sockets = chat.connections().values().stream().mapToLong(Long::longValue).sum();
 * long refused = chat.disconnects(DisconnectReason.PARSE_ERROR);
 * }</pre>
 */
public final class NamespaceStats {
  private static final DisconnectReason[] REASONS = DisconnectReason.values();

  private volatile Namespace nsp;
  private final String name;
  final LongAdder connects = new LongAdder();
  private final LongAdder[] disconnects = new LongAdder[REASONS.length];
  final LongAdder middlewareRefusals = new LongAdder();
  final LongAdder eventsReceived = new LongAdder();
  final LongAdder eventsSent = new LongAdder();
  final LongAdder broadcasts = new LongAdder();
  final LongAdder deliveries = new LongAdder();
  final LongAdder acksPending = new LongAdder();
  final LongAdder ackTimeouts = new LongAdder();
  /** Counters by event name, [0] received and [1] sent; null when no names are counted. Replaced, never mutated. */
  private volatile Map<String, LongAdder[]> byEvent;

  NamespaceStats(Namespace nsp, Set<String> eventNames) {
    this.nsp = nsp;
    this.name = nsp.name();
    for (int i = 0; i < disconnects.length; i++) {
      disconnects[i] = new LongAdder();
    }
    if (eventNames != null) {
      countEventNames(eventNames);
    }
  }

  /** {@return the namespace's name, such as {@code "/"} or {@code "/chat"}} */
  public String name() {
    return name;
  }

  /**
   * {@return how many sockets are connected now on this server, by transport name as on the wire ({@code polling},
   * {@code websocket}, and any transport added later under its own name)} Computed when called: it walks the
   * namespace's sockets.
   */
  public Map<String, Long> connections() {
    Map<String, Long> out = new TreeMap<>();
    for (Socket s : nsp.routableSockets()) {
      if (s.connected()) {
        out.merge(s.transport().wireName(), 1L, Long::sum);
      }
    }
    return out;
  }

  /**
   * {@return how many sockets are connected now on this server over the transport of this wire name} Computed when
   * called.
   *
   * @param transport the transport's wire name, such as {@code websocket}
   */
  public long connections(String transport) {
    long n = 0;
    for (Socket s : nsp.routableSockets()) {
      if (s.connected() && s.transport().wireName().equals(transport)) {
        n++;
      }
    }
    return n;
  }

  /** {@return how many sockets joined the namespace since it was created (recovered ones included)} */
  public long connects() {
    return connects.sum();
  }

  /**
   * {@return how many sockets left for this reason since the namespace was created}
   *
   * @param reason the reason
   */
  public long disconnects(DisconnectReason reason) {
    return disconnects[reason.ordinal()].sum();
  }

  /** {@return how many connections a middleware refused (answered with CONNECT_ERROR)} */
  public long middlewareRefusals() {
    return middlewareRefusals.sum();
  }

  /** {@return how many events the namespace received from clients} */
  public long eventsReceived() {
    return eventsReceived.sum();
  }

  /** {@return how many events were sent to clients: each recipient of a broadcast counts once} */
  public long eventsSent() {
    return eventsSent.sum();
  }

  /**
   * {@return how many events of this name were received, if the name is counted ({@link ServerStats#countEventNames});
   * else 0}
   *
   * @param event the event name
   */
  public long eventsReceived(String event) {
    Map<String, LongAdder[]> m = byEvent;
    LongAdder[] c = m == null ? null : m.get(event);
    return c == null ? 0 : c[0].sum();
  }

  /**
   * {@return how many events of this name were sent (one per recipient), if the name is counted; else 0}
   *
   * @param event the event name
   */
  public long eventsSent(String event) {
    Map<String, LongAdder[]> m = byEvent;
    LongAdder[] c = m == null ? null : m.get(event);
    return c == null ? 0 : c[1].sum();
  }

  /**
   * {@return how many broadcasts were delivered on this server (one per packet, local or from the cluster, whatever
   * its recipients)}
   */
  public long broadcasts() {
    return broadcasts.sum();
  }

  /** {@return how many recipients those broadcasts had on this server, in all} */
  public long broadcastDeliveries() {
    return deliveries.sum();
  }

  /** {@return how many acknowledgements this server waits for from clients now} */
  public long acksPending() {
    return acksPending.sum();
  }

  /**
   * {@return how many emits with acknowledgement timed out before every answer came (a broadcast counts once)}
   */
  public long ackTimeouts() {
    return ackTimeouts.sum();
  }

  /** {@return the adapter's cluster statistics, or {@code null} for an adapter of one server} */
  public ClusterStats cluster() {
    return nsp.adapter() instanceof ClusterStats c ? c : null;
  }

  // ---- package-private: the hot path ----

  void disconnected(DisconnectReason reason) {
    disconnects[reason.ordinal()].increment();
  }

  void received(String event) {
    eventsReceived.increment();
    Map<String, LongAdder[]> m = byEvent;
    if (m != null) {
      LongAdder[] c = m.get(event);
      if (c != null) {
        c[0].increment();
      }
    }
  }

  void sent(String event, int recipients) {
    eventsSent.add(recipients);
    Map<String, LongAdder[]> m = byEvent;
    if (m != null && event != null) {
      LongAdder[] c = m.get(event);
      if (c != null) {
        c[1].add(recipients);
      }
    }
  }

  void countEventNames(Set<String> names) {
    Map<String, LongAdder[]> m = new HashMap<>();
    for (String n : names) {
      m.put(n, new LongAdder[] {new LongAdder(), new LongAdder()});
    }
    byEvent = Collections.unmodifiableMap(m);
  }

  void rebind(Namespace again) {
    this.nsp = again;
  }

  @Override
  public String toString() {
    return "NamespaceStats[" + name + ", connects=" + connects() + ", eventsReceived=" + eventsReceived()
        + ", eventsSent=" + eventsSent() + "]";
  }
}
