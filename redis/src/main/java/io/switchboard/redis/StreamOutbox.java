package io.switchboard.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries one publisher adds to a stream, in the order it adds them, whatever Redis does meanwhile.
 *
 * <pre>{@code
 * StreamOutbox out = new StreamOutbox(link, "socket.io", 10_000, 10_000, Duration.ofMillis(200));
 * out.add(fields).thenAccept(id -> ...);      // XADD socket.io MAXLEN ~ 10000 * <fields>, in order
 * }</pre>
 *
 * <p>Pipelined XADDs are not enough: when a connection breaks, Lettuce resends the commands that were on their way
 * after those issued while it was away, so entries would land out of order. Here one command at a time is on its way:
 * a Lua script that adds every entry waiting (up to a batch) in one go, so a busy publisher still sends few commands.
 * A batch that fails for a transient reason (the connection, Redis loading or busy) is sent again, the same batch
 * before anything newer; one that Redis refuses (an error reply) fails its entries. If a batch was added but its
 * answer lost, the second copy repeats the entries with the same sequence numbers, which the Java readers skip.
 * At most {@code capacity} entries wait; further ones fail at once with {@link RedisLink.RefusedException}.
 */
final class StreamOutbox {
  private static final Logger log = LoggerFactory.getLogger(StreamOutbox.class);
  private static final int MAX_BATCH = 256;
  private static final int MAX_BATCH_BYTES = 1 << 20;
  private static final Set<String> TRANSIENT = Set.of("LOADING", "BUSY", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN",
      "READONLY", "NOSCRIPT");

  /** ARGV[1] maxLen, then for each entry its field count and fields; returns the ids. */
  private static final String SCRIPT = "local ids = {} local i = 2 local n = 0 "
      + "while i <= #ARGV do local c = tonumber(ARGV[i]) local f = {} "
      + "for j = 1, c do f[j] = ARGV[i + j] end n = n + 1 "
      + "ids[n] = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(f)) i = i + c + 1 end "
      + "return ids";
  private static final byte[] SCRIPT_BYTES = SCRIPT.getBytes(StandardCharsets.UTF_8);
  private static final String SHA = sha1(SCRIPT);

  private record Pending(byte[][] fields, int size, CompletableFuture<String> done) {}

  private final RedisLink link;
  private final byte[][] key;
  private final byte[] maxLen;
  private final int capacity;
  private final long retryDelayMillis;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong lastRetryLog = new AtomicLong();
  private long sequence; // the last number given by addNumbered
  private int waiting; // queued and on their way
  private boolean sending;
  private boolean closed;
  private boolean aborted;

  StreamOutbox(RedisLink link, String key, long maxLen, int capacity, long retryDelayMillis) {
    this.link = link;
    this.key = new byte[][] {StreamsWire.bytes(key)};
    this.maxLen = StreamsWire.bytes(Long.toString(maxLen));
    this.capacity = capacity;
    this.retryDelayMillis = retryDelayMillis;
  }

  /** Adds an entry (field names and values alternating) after every entry added before; completes with its id. */
  CompletionStage<String> add(byte[][] fields) {
    return add(fields, false);
  }

  /**
   * {@link #add(byte[][])}, with the last field's value set to this outbox's next sequence number (1, 2, ...) in the
   * order the entries are queued, which is the order they enter the stream: a reader that skips an entry whose number
   * is not above the last one it saw (a batch added twice) must never see a smaller number after a larger one.
   */
  CompletionStage<String> addNumbered(byte[][] fields) {
    return add(fields, true);
  }

  private CompletionStage<String> add(byte[][] fields, boolean numbered) {
    int size = numbered ? 20 + 8 : 0;
    for (byte[] f : fields) {
      size += f == null ? 0 : f.length + 8;
    }
    Pending p = new Pending(fields, size, new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("closed"));
      }
      if (waiting >= capacity) {
        return CompletableFuture.failedFuture(link.refuse(capacity));
      }
      if (numbered) {
        fields[fields.length - 1] = StreamsWire.bytes(Long.toString(++sequence));
      }
      queue.addLast(p);
      waiting++;
      if (sending) {
        return p.done();
      }
      sending = true;
    }
    sendNext();
    return p.done();
  }

  /** How many entries wait (queued or on their way). */
  synchronized int waiting() {
    return waiting;
  }

  /** Whether it was closed and has nothing left to send. */
  synchronized boolean finished() {
    return closed && waiting == 0;
  }

  /** Takes no new entries; those waiting are still sent (until {@link #abort()}). */
  synchronized void close() {
    closed = true;
  }

  /** Fails what still waits; nothing is sent any more. */
  void abort() {
    List<Pending> left;
    synchronized (this) {
      closed = true;
      aborted = true;
      left = new ArrayList<>(queue);
      queue.clear();
    }
    left.forEach(p -> p.done().completeExceptionally(new IllegalStateException("closed")));
  }

  private void sendNext() {
    List<Pending> batch = new ArrayList<>();
    synchronized (this) {
      int bytes = 0;
      while (!queue.isEmpty() && batch.size() < MAX_BATCH
          && (batch.isEmpty() || bytes + queue.peekFirst().size() <= MAX_BATCH_BYTES)) {
        Pending p = queue.pollFirst();
        bytes += p.size();
        batch.add(p);
      }
      if (batch.isEmpty()) {
        sending = false;
        return;
      }
    }
    send(batch);
  }

  private void send(List<Pending> batch) {
    synchronized (this) {
      if (aborted) {
        batch.forEach(p -> p.done().completeExceptionally(new IllegalStateException("closed")));
        return;
      }
    }
    int n = 1;
    for (Pending p : batch) {
      n += 1 + p.fields().length;
    }
    byte[][] args = new byte[n][];
    args[0] = maxLen;
    int i = 1;
    for (Pending p : batch) {
      args[i++] = StreamsWire.bytes(Integer.toString(p.fields().length));
      for (byte[] f : p.fields()) {
        args[i++] = f;
      }
    }
    CompletionStage<List<Object>> sent;
    try {
      sent = link.commands().<List<Object>>evalsha(SHA, ScriptOutputType.MULTI, key, args)
          .handle((ids, e) -> {
            if (e != null && cause(e) instanceof RedisNoScriptException) {
              return link.commands().<List<Object>>eval(SCRIPT_BYTES, ScriptOutputType.MULTI, key, args);
            }
            return e == null ? CompletableFuture.completedFuture(ids) : CompletableFuture.<List<Object>>failedFuture(e);
          }).thenCompose(s -> s);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((ids, e) -> {
      if (e == null && ids != null && ids.size() == batch.size()) {
        done(batch, ids, null);
      } else if (e != null && !isTransient(cause(e))) {
        done(batch, null, cause(e));
      } else {
        retry(batch, e == null ? new IllegalStateException("unexpected reply " + ids) : cause(e));
      }
    });
  }

  private void done(List<Pending> batch, List<Object> ids, Throwable failure) {
    synchronized (this) {
      waiting -= batch.size();
    }
    for (int i = 0; i < batch.size(); i++) {
      CompletableFuture<String> f = batch.get(i).done();
      if (failure != null) {
        f.completeExceptionally(failure);
      } else {
        Object id = ids.get(i);
        f.complete(id instanceof byte[] b ? StreamsWire.text(b) : String.valueOf(id));
      }
    }
    sendNext();
  }

  private void retry(List<Pending> batch, Throwable why) {
    long n = retries.incrementAndGet();
    long now = System.nanoTime();
    long last = lastRetryLog.get();
    if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(5)) && lastRetryLog.compareAndSet(last, now)) {
      log.warn("cannot add {} entries to {} yet ({} attempts so far; {} entries waiting): {}", batch.size(),
          StreamsWire.text(key[0]), n, waiting(), why.toString());
    }
    try {
      link.scheduler().schedule(() -> send(batch), retryDelayMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException closing) {
      batch.forEach(p -> p.done().completeExceptionally(closing));
    }
  }

  private static Throwable cause(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Connection trouble and timeouts, and the error replies that say "later": worth sending again. */
  static boolean isTransient(Throwable e) {
    if (e instanceof RedisCommandExecutionException x) {
      String m = x.getMessage() == null ? "" : x.getMessage();
      int space = m.indexOf(' ');
      return TRANSIENT.contains(space < 0 ? m : m.substring(0, space));
    }
    return true;
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
