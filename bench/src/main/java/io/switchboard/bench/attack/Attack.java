package io.switchboard.bench.attack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One attack run: opens the connections on one thread with non-blocking {@link SocketChannel}s and one
 * {@link Selector}, lets each connection's kind decide what it sends and how it reads the answers, and ends by itself.
 *
 * <pre>{@code
 * ObjectNode result = Attack.of(AttackOptions.parse("idle-tcp", "--port", "3000", "--count", "100")).run();
 * }</pre>
 *
 * <p>The run has two phases: the opening phase (connections launched at most {@link AttackOptions#concurrency()} at a
 * time, until every one has settled — connected, answered, fully sent, depending on the kind — or
 * {@link AttackOptions#openTimeout()} has passed), then the hold ({@link AttackOptions#hold()}). It stops early when
 * no connection is left open, and at the latest after {@link AttackOptions#maxRunTime()}. A {@link Probe} checks the
 * server from another thread throughout.
 */
abstract class Attack {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Timers (timeouts, slowloris bytes, close waits) are checked this often. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** A server close this soon after the connect counts as "at once". */
  static final long AT_ONCE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  final AttackOptions options;
  private final InetSocketAddress target;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  final List<Conn> conns = new ArrayList<>();
  private final Map<String, Integer> connectFailures = new TreeMap<>();
  private Selector selector;
  private int launched;
  private int pending;
  private int unsettled;
  private int open;
  private int connected;
  private String launchStopped;
  long t0;
  long openPhaseEnd = -1;
  private String stopReason;
  private Probe probe;

  Attack(AttackOptions options) {
    this.options = options;
    this.target = new InetSocketAddress(options.address(), options.port());
  }

  /** The attack {@code options} describe. */
  static Attack of(AttackOptions options) {
    return switch (options.kind()) {
      case IDLE_TCP, SLOWLORIS -> new HoldAttack(options);
      case WS_BURST -> new WsBurstAttack(options);
      case MEMORY -> new MemoryAttack(options);
    };
  }

  /** A connection of this attack's kind, not yet connected. */
  abstract Conn newConn(int id);

  /** Adds the kind's own results. */
  abstract void report(ObjectNode out);

  /** The kind's lines of the human summary. */
  abstract String summary();

  /** Sets socket options before the connect; nothing by default. */
  void configure(SocketChannel ch) throws IOException {}

  /** Runs the attack to its end and returns the results (one JSON object). */
  final ObjectNode run() throws IOException {
    checkDescriptors(options.count());
    ObjectNode out = JSON.createObjectNode();
    try (Selector sel = Selector.open(); Probe p = new Probe(options)) {
      selector = sel;
      probe = p;
      p.start();
      t0 = System.nanoTime();
      loop();
      long end = System.nanoTime();
      for (Conn c : conns) {
        if (c.isOpen()) {
          c.atEnd(end);
          c.close(end);
        }
      }
      p.stop();
      out.put("attack", options.kind().label());
      out.put("host", options.address().getHostAddress());
      out.put("port", options.port());
      out.put("count", options.count());
      out.put("launched", launched);
      out.put("connected", connected);
      ObjectNode f = out.putObject("connect_failures");
      connectFailures.forEach(f::put);
      out.put("launch_stopped", launchStopped);
      out.put("open_phase_ms", (openPhaseEnd < 0 ? end - t0 : openPhaseEnd - t0) / 1_000_000);
      out.put("hold_ms", openPhaseEnd < 0 ? 0 : (end - openPhaseEnd) / 1_000_000);
      out.put("elapsed_ms", (end - t0) / 1_000_000);
      out.put("stopped", stopReason);
      report(out);
      p.report(out);
    }
    return out;
  }

  /** The human summary of a finished run. */
  final String humanSummary(ObjectNode out) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "attack %s on %s:%d: %d launched, %d connected%s; opening phase %d ms, "
            + "then held %d ms (%s)%n", options.kind().label(), options.address().getHostAddress(), options.port(),
        launched, connected, connectFailures.isEmpty() ? "" : ", connect failures " + connectFailures,
        out.path("open_phase_ms").asLong(), out.path("hold_ms").asLong(), stopReason));
    sb.append(summary());
    String probes = probe == null ? "" : probe.summary();
    if (!probes.isEmpty()) {
      sb.append(String.format("%n")).append(probes);
    }
    return sb.toString();
  }

  private void loop() throws IOException {
    long hardEnd = t0 + options.maxRunTime().toNanos();
    long openDeadline = t0 + options.openTimeout().toNanos();
    long holdEnd = Long.MAX_VALUE;
    long nextTick = t0;
    while (true) {
      long now = System.nanoTime();
      if (openPhaseEnd < 0) {
        launch(now);
        if ((launched == options.count() || launchStopped != null) && unsettled == 0 || now - openDeadline >= 0) {
          openPhaseEnd = now;
          holdEnd = now + options.hold().toNanos();
        }
      }
      if (openPhaseEnd >= 0 && now - holdEnd >= 0) {
        stopReason = "hold over";
        return;
      }
      if (openPhaseEnd >= 0 && open == 0) {
        stopReason = "no connection left open";
        return;
      }
      if (now - hardEnd >= 0) {
        stopReason = "run time bound";
        return;
      }
      if (now - nextTick >= 0) {
        tick(now);
        nextTick = now + TICK_NANOS;
        continue; // the tick may have settled the last connection or closed the last one
      }
      long wake = Math.min(nextTick, holdEnd);
      selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wake - now)));
      now = System.nanoTime();
      for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
        SelectionKey key = it.next();
        it.remove();
        Conn c = (Conn) key.attachment();
        if (!key.isValid() || !c.isOpen()) {
          continue;
        }
        if (key.isConnectable()) {
          try {
            if (c.ch.finishConnect()) {
              connectedNow(c, now);
            }
          } catch (IOException e) {
            connectFailed(c, now, failure(e));
          }
          continue;
        }
        if (key.isReadable()) {
          read(c, now);
        }
        if (c.isOpen() && key.isValid() && key.isWritable()) {
          flush(c, now);
        }
      }
    }
  }

  private void launch(long now) {
    while (launched < options.count() && pending < options.concurrency() && launchStopped == null) {
      Conn c = newConn(launched++);
      conns.add(c);
      pending++;
      unsettled++;
      c.startNanos = now;
      try {
        SocketChannel ch = SocketChannel.open();
        c.ch = ch;
        open++;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        configure(ch);
        if (options.source() != null) {
          ch.bind(new InetSocketAddress(options.source(), 0));
        }
        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
        if (ch.connect(target)) {
          connectedNow(c, now);
        }
      } catch (IOException e) {
        String why = failure(e);
        connectFailed(c, now, why);
        if (why.equals("local: too many open files") || why.startsWith("local: cannot assign")) {
          launchStopped = why; // the descriptors or source ports of this process are used up
        }
      }
    }
  }

  private void connectedNow(Conn c, long now) {
    c.connectedNanos = now;
    connected++;
    c.key.interestOps(SelectionKey.OP_READ);
    c.onConnected(now);
  }

  private void connectFailed(Conn c, long now, String why) {
    connectFailures.merge(why, 1, Integer::sum);
    c.close(now);
  }

  private void tick(long now) {
    long connectTimeout = options.answerTimeout().toNanos();
    for (int i = 0, n = conns.size(); i < n; i++) {
      Conn c = conns.get(i);
      if (!c.isOpen()) {
        continue;
      }
      if (c.connectedNanos < 0) {
        if (now - c.startNanos > connectTimeout) {
          connectFailed(c, now, "timeout");
        }
      } else {
        c.onTick(now);
      }
    }
  }

  private void read(Conn c, long now) {
    readBuffer.clear();
    int n;
    try {
      n = c.ch.read(readBuffer);
    } catch (IOException e) {
      c.serverClosed(now, "reset");
      return;
    }
    if (n < 0) {
      c.serverClosed(now, "eof");
      return;
    }
    readBuffer.flip();
    c.bytesReceived += n;
    c.onData(readBuffer, now);
  }

  private void flush(Conn c, long now) {
    try {
      while (c.isOpen()) {
        ByteBuffer head = c.out.peek();
        if (head == null) {
          head = c.nextToSend(now);
          if (head == null) {
            break;
          }
          c.out.add(head);
        }
        c.bytesSent += c.ch.write(head);
        if (head.hasRemaining()) {
          c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        c.out.poll();
      }
      if (c.isOpen()) {
        c.key.interestOps(SelectionKey.OP_READ);
      }
    } catch (IOException e) {
      c.serverClosed(now, "reset");
    }
  }

  /** A word for what went wrong: refused, reset, timeout, or local: … for this process's own limits. */
  static String failure(IOException e) {
    if (e instanceof ConnectException) {
      String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      return m.contains("timed out") ? "timeout" : "refused";
    }
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (m.contains("too many open files")) {
      return "local: too many open files";
    }
    if (m.contains("cannot assign requested address")) {
      return "local: cannot assign requested address (source ports used up; try --source 127.0.0.2)";
    }
    if (m.contains("reset") || m.contains("broken pipe")) {
      return "reset";
    }
    return e.getClass().getSimpleName();
  }

  /** Refuses a run that cannot have {@code count} more sockets open in this process. */
  static void checkDescriptors(int count) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      long free = limit - unix.getOpenFileDescriptorCount() - 64; // the selector, the probe, the JVM's own
      if (count > free) {
        throw new IllegalArgumentException("--count " + count + " needs " + count + " descriptors but this process has "
            + Math.max(0, free) + " free (limit " + limit + "); run two processes with smaller counts");
      }
    }
  }

  /** Map entries of {@code m} into a new object field {@code name} of {@code out}. */
  static void putMap(ObjectNode out, String name, Map<String, Integer> m) {
    ObjectNode o = out.putObject(name);
    m.forEach(o::put);
  }

  /**
   * One attack connection: its channel, its times, what it still has to write; the kind fills in what it sends and
   * how it reads.
   */
  abstract class Conn {
    final int id;
    SocketChannel ch;
    SelectionKey key;
    long startNanos;
    long connectedNanos = -1;
    long closedNanos = -1;
    long bytesSent;
    long bytesReceived;
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
    private boolean pending = true;
    private boolean settled;

    Conn(int id) {
      this.id = id;
    }

    /** The TCP connection is up. */
    void onConnected(long now) {}

    /** Bytes from the server; the buffer is reused after the call. */
    void onData(ByteBuffer in, long now) {
      in.position(in.limit());
    }

    /** The server closed this connection: {@code how} is eof, reset or close_&lt;code&gt;. */
    abstract void onServerClosed(long now, String how);

    /** Called every tick while the connection is open and connected. */
    void onTick(long now) {}

    /** The run ends with this connection still open; it is closed right after. */
    void atEnd(long now) {}

    /** The next buffer to write once the queue is empty, or null. */
    ByteBuffer nextToSend(long now) {
      return null;
    }

    final boolean isOpen() {
      return closedNanos < 0;
    }

    /** The connection is past its handshake: the next one may start. */
    final void handshakeDone() {
      if (pending) {
        pending = false;
        Attack.this.pending--;
      }
    }

    /** The connection has reached its steady state; the opening phase ends when all have. */
    final void settle() {
      handshakeDone();
      if (!settled) {
        settled = true;
        unsettled--;
      }
    }

    final void send(ByteBuffer b, long now) {
      out.add(b);
      flush(now);
    }

    final void flush(long now) {
      Attack.this.flush(this, now);
    }

    /** Records the server's close (once) and closes the channel. */
    final void serverClosed(long now, String how) {
      if (isOpen()) {
        onServerClosed(now, how);
        close(now);
      }
    }

    final void close(long now) {
      if (!isOpen()) {
        return;
      }
      closedNanos = now;
      settle();
      out.clear();
      if (ch != null) {
        open--;
        try {
          ch.close();
        } catch (IOException ignored) {
          // closing is all that is left to do
        }
      }
    }
  }
}
