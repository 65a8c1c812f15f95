package io.switchboard.bench.load;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clients in one room and one of them broadcasting to it through the server ({@code bcast}), at a fixed rate or as
 * fast as a window of broadcasts in flight allows; receivers time each delivery from the timestamp in its payload.
 *
 * <pre>{@code
 * Room room = Room.join(pool, options, options.clients());
 * room.startEmitter();
 * room.measure(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>A broadcast counts as measured when it was sent between {@link #beginMeasure()} and {@link #endMeasure()}; only
 * measured deliveries are timed and counted. Each {@code beginMeasure} opens a new window (a round) with its own
 * counts. The emitter is client 0 and is itself in the room, so the broadcasts
 * that have come back to it tell how many are still in flight.
 */
final class Room {
  static final String NAME = "bench";

  private final LoadOptions options;
  private final String padding;
  private final LongAdder closedAfterJoin = new LongAdder();
  private final AtomicLong backAtEmitter = new AtomicLong();
  /** The measured window of the current round, or {@code null} before the first. */
  private volatile Window window;
  private volatile boolean stopped;
  private volatile int excluded = -1;
  private List<BenchClient> clients;
  private ScheduledFuture<?> emitterTask;
  private long sent;
  private long loadStart;

  private Room(LoadOptions options) {
    this.options = options;
    this.padding = Frames.padding(options);
  }

  /** Connects {@code n} clients and has each join the room; returns once all joined (or the connect bound passed). */
  static Room join(ClientPool pool, LoadOptions options, int n) throws InterruptedException {
    Room room = new Room(options);
    CountDownLatch joined = new CountDownLatch(n);
    room.clients = pool.connect(n, i -> room.listener(joined), 0);
    joined.await(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return room;
  }

  /** The clients that connected (client 0, the emitter, first in time but not necessarily in the list). */
  List<BenchClient> clients() {
    return clients;
  }

  /** Excludes one client's deliveries from the counts (the slow receiver). */
  void exclude(int index) {
    excluded = index;
  }

  private ClientListener listener(CountDownLatch joined) {
    return new ClientListener() {
      @Override
      public void onConnected(BenchClient c) {
        switch (c.kind()) {
          case SOCKETIO -> c.send(Frames.join(c.channel().alloc(), c.nextAckId(), NAME));
          case PLAIN_WS -> c.send(Unpooled.copiedBuffer("{\"event\":\"join\",\"data\":\"" + NAME + "\"}",
              StandardCharsets.US_ASCII));
          case SSE -> joined.countDown(); // the stream is in the room once its head came
        }
      }

      @Override
      public void onAck(BenchClient c, long id, ByteBuf frame) {
        joined.countDown();
      }

      @Override
      public void onEvent(BenchClient c, ByteBuf frame) {
        long t = Frames.timestamp(frame);
        if (c.index() == 0) {
          backAtEmitter.incrementAndGet();
        }
        if (t < 0 || c.index() == excluded) {
          return;
        }
        Window w = window;
        if (w != null && w.contains(t)) {
          long nanos = System.nanoTime() - t;
          w.delivered.increment();
          w.latency.recordNanos(nanos);
          w.deliveredByKind[c.kind().ordinal()].increment();
          w.latencyByKind[c.kind().ordinal()].recordNanos(nanos);
        }
      }

      @Override
      public void onClosed(BenchClient c, Throwable cause) {
        closedAfterJoin.increment();
      }
    };
  }

  /** The emitter, client 0, or {@code null} if it did not connect. */
  BenchClient emitter() {
    for (BenchClient c : clients) {
      if (c.index() == 0) {
        return c;
      }
    }
    return null;
  }

  /** Starts broadcasting from client 0 every millisecond on its event loop, until {@link #stop()}. */
  void startEmitter() {
    BenchClient e = emitter();
    if (e == null) {
      throw new IllegalStateException("the emitter did not connect");
    }
    e.channel().eventLoop().execute(() -> {
      loadStart = System.nanoTime();
      emitterTask = e.channel().eventLoop().scheduleAtFixedRate(() -> tick(e), 0, 1, TimeUnit.MILLISECONDS);
    });
  }

  private void tick(BenchClient e) {
    if (stopped || !e.isConnected()) {
      emitterTask.cancel(false);
      return;
    }
    long now = System.nanoTime();
    long due = options.rate() > 0 ? (now - loadStart) * options.rate() / 1_000_000_000L : Long.MAX_VALUE;
    boolean wrote = false;
    int burst = 0;
    while (sent < due && sent - backAtEmitter.get() < options.window() && burst++ < 10_000) {
      long t = System.nanoTime();
      e.write(Frames.bcast(e.channel().alloc(), NAME, t, padding));
      sent++;
      Window w = window;
      if (w != null && w.contains(t)) {
        w.sent.incrementAndGet();
      }
      wrote = true;
    }
    if (wrote) {
      e.channel().flush();
    }
  }

  /**
   * Starts a measured window (a round): from now on the counts and latencies of {@link #delivered()},
   * {@link #latency()} and {@link #sentMeasured()} are this window's; deliveries of an earlier window still in flight
   * are no longer counted.
   */
  void beginMeasure() {
    onEmitterLoop(() -> window = new Window(System.nanoTime()));
  }

  /** Ends the measured window; the emitter goes on (until {@link #stop()}), unmeasured. */
  void endMeasure() {
    onEmitterLoop(() -> window.end = System.nanoTime());
  }

  /**
   * Moves a window boundary on the emitter's event loop, between two ticks: a broadcast then falls on the same side
   * of the boundary for the emitter (which counts it as sent) and for the receivers (which count it as delivered).
   */
  private void onEmitterLoop(Runnable boundary) {
    BenchClient e = emitter();
    if (e == null) {
      boundary.run();
      return;
    }
    try {
      e.channel().eventLoop().submit(boundary).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      boundary.run();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | java.util.concurrent.RejectedExecutionException ex) {
      boundary.run();
    }
  }

  /** Stops the emitter without measuring. */
  void stop() {
    stopped = true;
  }

  /**
   * Waits until every measured broadcast has reached {@code receivers} clients, at most {@link LoadOptions#drain()};
   * returns whether it all arrived.
   */
  boolean drain(int receivers) throws InterruptedException {
    long deadline = System.nanoTime() + options.drain().toNanos();
    while (System.nanoTime() < deadline) {
      if (delivered() >= sentMeasured() * receivers) {
        return true;
      }
      Thread.sleep(20);
    }
    return delivered() >= sentMeasured() * receivers;
  }

  private Window current() {
    Window w = window;
    return w != null ? w : Window.EMPTY;
  }

  Latency latency() {
    return current().latency;
  }

  /** The latencies of the deliveries to one kind of client. */
  Latency latency(BenchClient.Kind kind) {
    return current().latencyByKind[kind.ordinal()];
  }

  /** The measured deliveries to one kind of client. */
  long delivered(BenchClient.Kind kind) {
    return current().deliveredByKind[kind.ordinal()].sum();
  }

  long delivered() {
    return current().delivered.sum();
  }

  long sentMeasured() {
    return current().sent.get();
  }

  long closed() {
    return closedAfterJoin.sum();
  }

  double measuredSeconds() {
    Window w = current();
    return (w.end - w.start) / 1e9;
  }

  /** One measured window: the broadcasts sent in it, and their deliveries. */
  private static final class Window {
    static final Window EMPTY = new Window(0);

    final long start;
    volatile long end = Long.MAX_VALUE;
    final AtomicLong sent = new AtomicLong();
    final LongAdder delivered = new LongAdder();
    final Latency latency = new Latency();
    final Latency[] latencyByKind = {new Latency(), new Latency(), new Latency()};
    final LongAdder[] deliveredByKind = {new LongAdder(), new LongAdder(), new LongAdder()};

    Window(long start) {
      this.start = start;
    }

    boolean contains(long t) {
      return t >= start && t < end;
    }
  }
}
