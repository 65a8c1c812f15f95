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

  /** The namespace's name. */
  public String name() {
    return name;
  }

  /**
   * The sockets connected now on this server, by transport name as on the wire ({@code polling}, {@code websocket},
   * and any transport added later under its own name). Computed when called: it walks the namespace's sockets.
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

  /** The sockets connected now on this server over the transport of this wire name. */
  public long connections(String transport) {
    long n = 0;
    for (Socket s : nsp.routableSockets()) {
      if (s.connected() && s.transport().wireName().equals(transport)) {
        n++;
      }
    }
    return n;
  }

  /** Sockets that joined (recovered ones included). */
  public long connects() {
    return connects.sum();
  }

  /** Sockets that left for this reason. */
  public long disconnects(DisconnectReason reason) {
    return disconnects[reason.ordinal()].sum();
  }

  /** Sockets a middleware refused (CONNECT_ERROR). */
  public long middlewareRefusals() {
    return middlewareRefusals.sum();
  }

  /** Events received from clients. */
  public long eventsReceived() {
    return eventsReceived.sum();
  }

  /** Events sent to clients: each recipient of a broadcast counts once. */
  public long eventsSent() {
    return eventsSent.sum();
  }

  /** Events of this name received, if the name is counted ({@link ServerStats#countEventNames}); else 0. */
  public long eventsReceived(String event) {
    Map<String, LongAdder[]> m = byEvent;
    LongAdder[] c = m == null ? null : m.get(event);
    return c == null ? 0 : c[0].sum();
  }

  /** Events of this name sent, if the name is counted; else 0. */
  public long eventsSent(String event) {
    Map<String, LongAdder[]> m = byEvent;
    LongAdder[] c = m == null ? null : m.get(event);
    return c == null ? 0 : c[1].sum();
  }

  /** Broadcasts delivered on this server (one per packet, local or from the cluster, whatever its recipients). */
  public long broadcasts() {
    return broadcasts.sum();
  }

  /** Recipients of those broadcasts on this server. */
  public long broadcastDeliveries() {
    return deliveries.sum();
  }

  /** Acknowledgements this server waits for from clients now. */
  public long acksPending() {
    return acksPending.sum();
  }

  /** Emits with acknowledgement whose timeout passed before every answer came (a broadcast counts once). */
  public long ackTimeouts() {
    return ackTimeouts.sum();
  }

  /** The adapter's cluster statistics, or {@code null} for an adapter of one server. */
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
