package io.switchboard.server;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The live counters of a {@link Server}: server-wide ones here, per-namespace ones in {@link NamespaceStats}. They
 * are plain lock-free adders that the server bumps as it works and that anyone reads when they like — a metrics
 * binder at scrape time ({@code io.switchboard.server.metrics.SwitchboardMetrics} for Micrometer), a health check, a
 * test. Nothing here depends on a metrics library.
 *
 * <pre>{@code
 * ServerStats stats = io.stats();
 * long waiting = stats.handlerQueueDepth();                  // events queued for handlers, all clients
 * stats.namespaces().forEach(n -> System.out.println(n.name() + " " + n.connections()));
 * }</pre>
 *
 * <p>Durations (handler time, acknowledgement round trips) cost two {@code System.nanoTime()} calls each, so they are
 * measured only after {@link #measureTimes()} was called; counters are always kept.
 */
public final class ServerStats {
  /** Why a client never got into a namespace, beyond the Engine.IO handshake's own errors. */
  public enum ConnectFailure {
    /** A CONNECT for a namespace that does not exist (CONNECT_ERROR "Invalid namespace"). */
    INVALID_NAMESPACE,
    /** A namespace middleware refused the socket (CONNECT_ERROR with its message). */
    MIDDLEWARE,
    /** No namespace joined within {@code connectTimeout}. */
    CONNECT_TIMEOUT,
    /** More than {@code preConnectInputLimit} sent before joining a namespace. */
    PRE_CONNECT_LIMIT
  }

  private final Server server;
  private final Map<String, NamespaceStats> namespaces = new ConcurrentHashMap<>();
  private final Collection<Consumer<NamespaceStats>> namespaceListeners = new CopyOnWriteArrayList<>();
  private final LongAdder[] connectFailures = new LongAdder[ConnectFailure.values().length];
  final LongAdder handlerQueueDepth = new LongAdder();
  final LongAdder recoveryAttempts = new LongAdder();
  final LongAdder recoverySuccesses = new LongAdder();
  final Timing handlerTime = new Timing();
  final Timing ackRoundTrip = new Timing();
  /** Read on the hot path: a plain final-like flag, set once. */
  volatile boolean timing;
  /** Event names counted on their own (null: none); set before events flow, read on the hot path. */
  volatile Set<String> eventNames;

  ServerStats(Server server) {
    this.server = server;
    for (int i = 0; i < connectFailures.length; i++) {
      connectFailures[i] = new LongAdder();
    }
  }

  /** Starts measuring durations: handler time and acknowledgement round trips. */
  public void measureTimes() {
    timing = true;
  }

  /**
   * Counts events of these names on their own (in {@link NamespaceStats#eventsReceived(String)} and
   * {@link NamespaceStats#eventsSent(String)}); other names are counted in the totals only. A fixed list keeps the
   * number of series bounded whatever names clients send. Call it before traffic starts; a later call replaces the
   * list and starts the new names from zero.
   *
   * @param names the event names to count on their own; copied
   */
  public void countEventNames(Set<String> names) {
    Set<String> copy = Set.copyOf(names);
    eventNames = copy;
    for (NamespaceStats n : namespaces.values()) {
      n.countEventNames(copy);
    }
  }

  /** {@return the names given to {@link #countEventNames}, or an empty set} */
  public Set<String> eventNames() {
    Set<String> n = eventNames;
    return n == null ? Set.of() : n;
  }

  /**
   * {@return the statistics of every namespace created so far (dynamic ones included, even once removed)} A live,
   * unmodifiable view.
   */
  public Collection<NamespaceStats> namespaces() {
    return Collections.unmodifiableCollection(namespaces.values());
  }

  /**
   * Calls {@code listener} for each namespace there is now, then for each new one (a binder registers its meters); a
   * new namespace's call runs on the thread that creates it.
   *
   * @param listener given each namespace's statistics, once each
   */
  public void onNamespace(Consumer<NamespaceStats> listener) {
    namespaceListeners.add(listener);
    for (NamespaceStats n : namespaces.values()) {
      listener.accept(n);
    }
  }

  /**
   * {@return how many clients were refused before joining a namespace, for this cause (Engine.IO errors:
   * {@code engine().stats()})}
   *
   * @param cause the cause
   */
  public long connectFailures(ConnectFailure cause) {
    return connectFailures[cause.ordinal()].sum();
  }

  /**
   * {@return how many events (and connects, disconnects) are queued for application handlers and not started yet, all
   * clients together}
   */
  public long handlerQueueDepth() {
    return handlerQueueDepth.sum();
  }

  /** {@return the time spent in handlers, middlewares and listeners (measured after {@link #measureTimes()})} */
  public Timing handlerTime() {
    return handlerTime;
  }

  /**
   * {@return the time from an emit with acknowledgement to the client's answer (measured after
   * {@link #measureTimes()})}
   */
  public Timing ackRoundTrip() {
    return ackRoundTrip;
  }

  /** {@return how many clients came back with a session id to recover (connection state recovery on)} */
  public long recoveryAttempts() {
    return recoveryAttempts.sum();
  }

  /** {@return how many of them got their session back} */
  public long recoverySuccesses() {
    return recoverySuccesses.sum();
  }

  /**
   * {@return how many sockets are connected now, by transport name ({@code polling}, {@code websocket}, …), all
   * namespaces} Computed when called.
   */
  public Map<String, Long> connectionsByTransport() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (NamespaceStats n : namespaces.values()) {
      n.connections().forEach((t, c) -> out.merge(t, c, Long::sum));
    }
    return out;
  }

  // ---- package-private ----

  void count(ConnectFailure cause) {
    connectFailures[cause.ordinal()].increment();
  }

  NamespaceStats register(Namespace nsp) {
    NamespaceStats created = new NamespaceStats(nsp, eventNames);
    NamespaceStats existing = namespaces.putIfAbsent(nsp.name(), created);
    if (existing != null) {
      existing.rebind(nsp); // a dynamic namespace created again after it was removed: one series, continued
      return existing;
    }
    for (Consumer<NamespaceStats> l : namespaceListeners) {
      l.accept(created);
    }
    return created;
  }

  Server server() {
    return server;
  }

  /**
   * A duration measured many times: count, total and largest, without a lock or an allocation per measurement.
   *
   * <pre>{@code
   * Timing t = io.stats().handlerTime();
   * double meanMs = t.count() == 0 ? 0 : t.totalNanos() / 1e6 / t.count();
   * }</pre>
   */
  public static final class Timing {
    private final LongAdder count = new LongAdder();
    private final LongAdder total = new LongAdder();
    private final AtomicLong max = new AtomicLong();

    /**
     * Adds one measurement; from any thread.
     *
     * @param nanos the duration, in nanoseconds
     */
    public void record(long nanos) {
      count.increment();
      total.add(nanos);
      long m = max.get();
      while (nanos > m && !max.compareAndSet(m, nanos)) {
        m = max.get();
      }
    }

    /** {@return how many measurements were added} */
    public long count() {
      return count.sum();
    }

    /** {@return their sum, in nanoseconds} */
    public long totalNanos() {
      return total.sum();
    }

    /**
     * {@return the largest since the previous call of this method (a scrape), in nanoseconds} Starts again from 0.
     */
    public long maxNanosAndReset() {
      return max.getAndSet(0);
    }

    /** {@return the largest since the last reset, in nanoseconds} */
    public long maxNanos() {
      return max.get();
    }
  }
}
