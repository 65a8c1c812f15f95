package io.switchboard.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one stream for one server, from where it stopped, and hands each entry to the adapter of its namespace, in
 * stream order and one at a time.
 *
 * <pre>{@code
 * StreamReader r = new StreamReader("socket.io", link, opts, adapters::get);
 * r.start();                 // XREAD BLOCK 5000 COUNT 100 STREAMS socket.io <last id>, again and again
 * }</pre>
 *
 * <p>It starts after the stream's newest entry, and keeps the id of the last entry it handed over (its position), so
 * a failed or timed-out read, a Redis that paused or one that restarted, is followed by a read from the same
 * position: nothing is skipped and nothing is handed over twice. The hand-over runs under {@link #lock()}, which the
 * adapters also take to restore a session against a known position.
 */
final class StreamReader {
  private static final Logger log = LoggerFactory.getLogger(StreamReader.class);

  /** Where an entry goes: its namespace's adapter. */
  interface Sink {
    /** Handles an entry (a message tree, {@code {uid, nsp, type, data}}) under the reader's lock. */
    void onEntry(String id, ObjectNode tree);
  }

  private final String key;
  private final byte[] keyBytes;
  private final RedisLink link;
  private final RedisClusterAsyncCommands<byte[], byte[]> conn;
  private final XReadArgs args;
  private final int maxMessageSize;
  private final Duration retryDelay;
  private final Function<String, Sink> sinks;
  private final Object lock = new Object();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong lastFailureLog = new AtomicLong();
  private volatile String position;
  private volatile boolean closed;

  StreamReader(String key, RedisLink link, RedisStreamsAdapterOptions opts, Function<String, Sink> sinks) {
    this.key = key;
    this.keyBytes = StreamsWire.bytes(key);
    this.link = link;
    this.conn = link.dedicatedConnection();
    this.args = new XReadArgs().block(opts.blockTimeInMs()).count(opts.readCount());
    this.maxMessageSize = opts.maxMessageSize();
    this.retryDelay = opts.reconnectDelay();
    this.sinks = sinks;
    this.position = newestId(link, keyBytes, opts.commandTimeout());
  }

  /** The id of the newest entry of a stream, or {@code 0-0} if it is empty or absent. */
  static String newestId(RedisLink link, byte[] key, Duration timeout) {
    try {
      List<StreamMessage<byte[], byte[]>> last = link.commands().xrevrange(key, Range.unbounded(), Limit.create(0, 1))
          .toCompletableFuture().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return last.isEmpty() ? "0-0" : last.get(0).getId();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the stream " + StreamsWire.text(key) + " from Redis", e);
    }
  }

  String key() {
    return key;
  }

  /** The lock under which entries are handed over. */
  Object lock() {
    return lock;
  }

  /** The id of the last entry handed over (or where reading started). */
  String position() {
    return position;
  }

  void start() {
    poll();
  }

  void close() {
    closed = true;
  }

  private void poll() {
    if (closed) {
      return;
    }
    try {
      conn.xread(args, XReadArgs.StreamOffset.from(keyBytes, position)).whenComplete((list, e) -> {
        if (e != null) {
          retry(e);
          return;
        }
        if (list != null) {
          for (StreamMessage<byte[], byte[]> m : list) {
            handOver(m);
          }
        }
        poll();
      });
    } catch (RuntimeException e) {
      retry(e);
    }
  }

  private void retry(Throwable e) {
    if (closed) {
      return;
    }
    long n = failures.incrementAndGet();
    long now = System.nanoTime();
    long last = lastFailureLog.get();
    if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(5)) && lastFailureLog.compareAndSet(last, now)) {
      log.warn("cannot read the stream {} ({} failed reads so far; reading again from {}): {}", key, n, position,
          e.toString());
    }
    try {
      link.scheduler().schedule(this::poll, retryDelay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException closing) {
      log.debug("not reading {} any more: {}", key, closing.toString());
    }
  }

  private void handOver(StreamMessage<byte[], byte[]> m) {
    String id = m.getId();
    synchronized (lock) {
      if (compareIds(id, position) <= 0) {
        return; // already handed over (a read that was retried)
      }
      position = id;
      Map<byte[], byte[]> body = m.getBody();
      int size = 0;
      for (Map.Entry<byte[], byte[]> e : body.entrySet()) {
        size += e.getKey().length + e.getValue().length;
      }
      if (size > maxMessageSize) {
        link.oversized(key, size, maxMessageSize);
        return;
      }
      ObjectNode tree;
      try {
        tree = StreamsWire.entryTree(body);
      } catch (IllegalArgumentException e) {
        link.undecodable("reader", key + " " + id, size, e.getMessage());
        return;
      }
      if (tree == null) {
        return;
      }
      Sink sink = sinks.apply(tree.get("nsp").textValue());
      if (sink != null) {
        try {
          sink.onEntry(id, tree);
        } catch (RuntimeException e) {
          log.warn("entry {} of {} could not be handled", id, key, e);
        }
      }
    }
  }

  /** Orders stream ids ({@code <ms>-<seq>}); ids that do not parse come first. */
  static int compareIds(String a, String b) {
    long[] x = parseId(a);
    long[] y = parseId(b);
    if (x == null || y == null) {
      return x == null ? (y == null ? 0 : -1) : 1;
    }
    int c = Long.compareUnsigned(x[0], y[0]);
    return c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
  }

  /** {@code [ms, seq]} of a stream id, or {@code null} if it is not one. */
  static long[] parseId(String id) {
    if (id == null || id.length() > 41) {
      return null;
    }
    int dash = id.indexOf('-');
    if (dash <= 0 || dash == id.length() - 1) {
      return null;
    }
    try {
      String ms = id.substring(0, dash);
      String seq = id.substring(dash + 1);
      if (!ms.chars().allMatch(Character::isDigit) || !seq.chars().allMatch(Character::isDigit)) {
        return null;
      }
      return new long[] {Long.parseUnsignedLong(ms), Long.parseUnsignedLong(seq)};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
