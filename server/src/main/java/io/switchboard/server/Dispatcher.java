package io.switchboard.server;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one client's handler tasks one at a time, in submission order: on the client's event loop while the client may
 * stay there ({@link HandlerDispatch#ADAPTIVE}, {@link HandlerDispatch#EVENT_LOOP}), on a {@link SerialExecutor} over
 * the handler executor once it has moved ({@link HandlerDispatch#EXECUTOR} from the start). The move happens on the
 * event loop, between two tasks, and is for good: nothing of the client runs on the loop once a task of it has been
 * queued on the executor.
 */
final class Dispatcher implements Executor {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** Made at the move (at once with {@link HandlerDispatch#EXECUTOR}): a client on its loop holds none. */
  private volatile SerialExecutor serial;
  private static final AtomicReferenceFieldUpdater<Dispatcher, SerialExecutor> SERIAL =
      AtomicReferenceFieldUpdater.newUpdater(Dispatcher.class, SerialExecutor.class, "serial");
  private final Server server;
  private final EventExecutor loop;
  private final ServerStats stats;
  private final Track other;        // what runs for no event: acks from the client, disconnection, continuations
  private final long thresholdNanos; // 0: runs are not timed (EVENT_LOOP)
  private volatile boolean moved;
  // on the loop only:
  private boolean running;
  private ArrayDeque<Object> pending; // track (or NO_TRACK), task, track, task...

  private static final Object NO_TRACK = new Object();

  Dispatcher(Server server, EventExecutor loop) {
    this.server = server;
    this.loop = loop;
    this.stats = server.stats();
    this.other = server.otherTrack();
    HandlerDispatch mode = server.options().handlerDispatch();
    this.moved = mode == HandlerDispatch.EXECUTOR;
    if (moved) {
      serial = new SerialExecutor(server.handlerExecutor(), stats);
    }
    this.thresholdNanos = mode == HandlerDispatch.ADAPTIVE ? server.options().blockingThreshold().toNanos() : 0;
  }

  /** Whether the calling thread is a Netty event loop (where waiting for a client's answer would deadlock). */
  static boolean onEventLoop() {
    return ThreadExecutorMap.currentExecutor() instanceof EventLoop;
  }

  @Override
  public void execute(Runnable task) {
    dispatch(null, task);
  }

  /**
   * Runs a task whose handlers {@code track} watches ({@code null}: none in particular); a track declared or seen
   * blocking moves the client to the executor first.
   */
  void dispatch(Track track, Runnable task) {
    if (moved) {
      serial().execute(task);
      return;
    }
    if (!loop.inEventLoop()) {
      try {
        loop.execute(() -> dispatch(track, task));
      } catch (RejectedExecutionException e) {
        serial().execute(task); // the loop is gone (shutdown): the executor runs what is left
      }
      return;
    }
    if (running) {
      if (pending == null) {
        pending = new ArrayDeque<>();
      }
      pending.add(track == null ? NO_TRACK : track);
      pending.add(task);
      return;
    }
    if (track != null && track.blocking && thresholdNanos != 0) {
      moved = true;
      serial().execute(task);
      return;
    }
    running = true;
    try {
      Track t = track;
      Runnable r = task;
      while (true) {
        run(t, r);
        if (pending == null || pending.isEmpty()) {
          return;
        }
        Object k = pending.poll();
        t = k == NO_TRACK ? null : (Track) k;
        r = (Runnable) pending.poll();
        if (t != null && t.blocking && thresholdNanos != 0) {
          SerialExecutor serial = serial();
          serial.execute(r); // first, then what was queued behind it
          while (!pending.isEmpty()) {
            pending.poll();
            serial.execute((Runnable) pending.poll());
          }
          moved = true;
          return;
        }
      }
    } finally {
      running = false;
    }
  }

  private void run(Track track, Runnable task) {
    long start = thresholdNanos != 0 || stats.timing ? System.nanoTime() : 0;
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      log.warn("task failed", e);
    }
    if (start != 0) {
      long took = System.nanoTime() - start;
      if (stats.timing) {
        stats.handlerTime.record(took);
      }
      if (thresholdNanos != 0) {
        (track != null ? track : other).ran(start, took, thresholdNanos);
      }
    }
  }

  /**
   * Whether the calling thread is running one of this client's tasks: on the executor (also in the instant of the
   * move, while {@code moved} is not yet set), or on the loop.
   */
  boolean inExecutor() {
    SerialExecutor s = serial;
    return s != null && s.inExecutor() || !moved && running && loop.inEventLoop();
  }

  /** The client's serial executor, made on first use (by one caller only, should two race for it). */
  private SerialExecutor serial() {
    SerialExecutor s = serial;
    if (s == null) {
      SERIAL.compareAndSet(this, null, new SerialExecutor(server.handlerExecutor(), stats));
      s = serial;
    }
    return s;
  }

  /** Runs the task now if the caller is this client's task, else queues it. */
  void executeOrRun(Runnable task) {
    if (inExecutor()) {
      task.run();
    } else {
      dispatch(null, task);
    }
  }

  /** Whether the client's handlers run on the executor now. */
  boolean moved() {
    return moved;
  }

  /**
   * What is known of the handlers of one event (or of a namespace's connection, or of what runs for no event): whether
   * they may block, declared or seen. Counting is cheap on the fast path: one comparison, no write.
   */
  static final class Track {
    private static final Logger warnLog = LoggerFactory.getLogger(io.switchboard.engine.Logs.HANDLERS);
    static final int STRIKES = 3;

    private final String what;
    private final String advice;
    volatile boolean blocking;
    private volatile int strikes;
    private long lastSlowEnd = Long.MIN_VALUE; // guarded by this

    /**
     * @param what   what the handlers handle, for the WARN ("event \"x\" of namespace /")
     * @param advice how to declare it
     */
    Track(String what, String advice) {
      this.what = what;
      this.advice = advice;
    }

    /** A track declared blocking from the start. */
    static Track declared(String what) {
      Track t = new Track(what, "");
      t.blocking = true;
      return t;
    }

    void declare() {
      blocking = true;
    }

    /** One run of the handlers on an event loop, started at {@code start} ({@link System#nanoTime()}). */
    void ran(long start, long took, long threshold) {
      if (took < threshold) {
        if (strikes != 0) {
          strikes = 0;
        }
        return;
      }
      boolean warn = false;
      synchronized (this) {
        if (start - lastSlowEnd < 0 && lastSlowEnd != Long.MIN_VALUE) {
          return; // overlaps the last slow run (on another loop): one stall, not two
        }
        lastSlowEnd = start + took;
        if (++strikes >= STRIKES && !blocking) {
          blocking = true;
          warn = true;
        }
      }
      if (warn) {
        warnLog.warn("handlers of {} ran longer than {} ms on an I/O thread {} times in a row: its clients now move "
            + "to the handler executor. Declare it blocking{}", what, threshold / 1_000_000, STRIKES, advice);
      }
    }

    @Override
    public String toString() {
      return "Track[" + what + (blocking ? ", blocking" : "") + "]";
    }
  }
}
