package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * How Switchboard logs: one logger per concern, so that one can be turned up alone; the MDC keys of
 * connection-scoped lines; and a limiter for lines that could come often.
 *
 * <pre>{@code
 * <!-- logback.xml: every limit hit and cluster change, nothing else of the library below WARN -->
 * <logger name="io.switchboard" level="WARN"/>
 * <logger name="io.switchboard.limits" level="INFO"/>
 * <logger name="io.switchboard.cluster" level="INFO"/>
 * <pattern>%d %-5level %logger{24} [%X{sid} %X{nsp} %X{remote}] %msg%n</pattern>
 * }</pre>
 *
 * <p>Lines caused by a client's mistake (bad packet, a limit) never carry a stack trace; lines caused by the
 * application (a failing handler) or by the library do.
 */
public final class Logs {
  /** Engine.IO handshakes and request errors answered to a client (DEBUG, one line each). */
  public static final String HANDSHAKE = "io.switchboard.engine.handshake";
  /** A hardening limit hit: connections, rates, sizes, budgets (INFO, at most one line per cause every 10 s). */
  public static final String LIMITS = "io.switchboard.limits";
  /** The cluster: servers joining and leaving, the Redis link lost and back, publish failures (INFO/WARN). */
  public static final String CLUSTER = "io.switchboard.cluster";
  /** Connection state recovery: sessions restored (DEBUG) and restores that failed (INFO/WARN). */
  public static final String RECOVERY = "io.switchboard.recovery";
  /** Connections opened and closed, with their reason (DEBUG, one line each, with the MDC). */
  public static final String CONNECTIONS = "io.switchboard.connections";
  /** Application handlers and listeners that threw (WARN, with the stack trace: it is the application's). */
  public static final String HANDLERS = "io.switchboard.handlers";

  /** MDC key: the Engine.IO session id (or Socket.IO socket id when {@link #NSP} is set). */
  public static final String SID = "sid";
  /** MDC key: the Socket.IO namespace. */
  public static final String NSP = "nsp";
  /** MDC key: the client's address (the forwarded one behind a trusted proxy). */
  public static final String REMOTE = "remote";

  private Logs() {}

  /**
   * {@return the SLF4J logger of a concern}
   *
   * @param concern one of the logger names above, such as {@link #LIMITS}
   */
  public static Logger of(String concern) {
    return LoggerFactory.getLogger(concern);
  }

  /**
   * Connection-scoped MDC, removed when closed: {@code try (var c = Logs.context(sid, nsp, remote)) {...}}. The MDC
   * is per thread: close the scope on the thread that opened it. A null value leaves its key unset.
   *
   * @param sid the Engine.IO session id or Socket.IO socket id, or null
   * @param nsp the Socket.IO namespace, or null
   * @param remote the client's address, printed as {@link #address(InetSocketAddress)} does, or null
   * @return the scope, to close
   */
  public static Context context(String sid, String nsp, InetSocketAddress remote) {
    return new Context(sid, nsp, remote == null ? null : address(remote));
  }

  /**
   * Connection-scoped MDC with the client's address already printable; otherwise as
   * {@link #context(String, String, InetSocketAddress)}.
   *
   * @param sid the Engine.IO session id or Socket.IO socket id, or null
   * @param nsp the Socket.IO namespace, or null
   * @param remote the client's printable address; null or empty leaves {@link #REMOTE} unset
   * @return the scope, to close
   */
  public static Context context(String sid, String nsp, String remote) {
    return new Context(sid, nsp, remote == null || remote.isEmpty() ? null : remote);
  }

  /**
   * {@return the printable address of a client: {@code 203.0.113.7:51234}} An unresolved address prints as its
   * {@code toString()}.
   *
   * @param a the address; not null
   */
  public static String address(InetSocketAddress a) {
    return a.getAddress() != null ? a.getAddress().getHostAddress() + ":" + a.getPort() : a.toString();
  }

  /** An MDC scope around one log line (or a few). */
  public static final class Context implements AutoCloseable {
    private final String sid;
    private final String nsp;
    private final String remote;

    private Context(String sid, String nsp, String remote) {
      this.sid = sid;
      this.nsp = nsp;
      this.remote = remote;
      put(SID, sid);
      put(NSP, nsp);
      put(REMOTE, remote);
    }

    private static void put(String key, String value) {
      if (value != null) {
        MDC.put(key, value);
      }
    }

    @Override
    public void close() {
      if (sid != null) {
        MDC.remove(SID);
      }
      if (nsp != null) {
        MDC.remove(NSP);
      }
      if (remote != null) {
        MDC.remove(REMOTE);
      }
    }
  }

  /**
   * Lets one line through per interval and counts the others, for events that may come in floods (limits hit,
   * publish failures): {@code if (limiter.allow()) log.info("… ({} more since the last line)", limiter.skipped());}.
   * Thread-safe and lock-free.
   */
  public static final class Limiter {
    private final long intervalNanos;
    private final AtomicLong last = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
    private final LongAdder skipped = new LongAdder();
    private volatile long skippedAtLastLine;

    /**
     * At most one line per {@code interval} of {@code unit}; the first call to {@link #allow()} is let through.
     *
     * @param interval the shortest time between two lines, in {@code unit}
     * @param unit the unit of {@code interval}
     */
    public Limiter(long interval, TimeUnit unit) {
      this.intervalNanos = unit.toNanos(interval);
    }

    /** {@return whether a line may be written now} If not, the event is counted as skipped. */
    public boolean allow() {
      long now = System.nanoTime();
      long prev = last.get();
      if (now - prev >= intervalNanos && last.compareAndSet(prev, now)) {
        return true;
      }
      skipped.increment();
      return false;
    }

    /**
     * {@return how many events were not logged since the previous line that was} Call it after {@link #allow()}
     * returned true, once per line written.
     */
    public long skipped() {
      long total = skipped.sum();
      long since = total - skippedAtLastLine;
      skippedAtLastLine = total;
      return since;
    }
  }
}
