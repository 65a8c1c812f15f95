package io.switchboard.server;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tasks one at a time, in submission order, on a shared executor: the per-client ordering of handlers. */
final class SerialExecutor implements Executor {
  private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
  private static final int BATCH = 64;

  private final Executor delegate;
  private final ServerStats stats;
  // guarded by this; created by a task that has to wait, dropped when drained
  private Queue<Runnable> tasks;
  private boolean scheduled;
  private volatile Thread runner;

  SerialExecutor(Executor delegate, ServerStats stats) {
    this.delegate = delegate;
    this.stats = stats;
  }

  @Override
  public void execute(Runnable task) {
    stats.handlerQueueDepth.increment();
    synchronized (this) {
      if (tasks == null) {
        tasks = new ArrayDeque<>(4);
      }
      tasks.add(task);
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    submit();
  }

  /** Whether the calling thread is running one of this executor's tasks. */
  boolean inExecutor() {
    return runner == Thread.currentThread();
  }

  /** Runs the task now if the caller is this executor's task, else queues it. */
  void executeOrRun(Runnable task) {
    if (inExecutor()) {
      task.run();
    } else {
      execute(task);
    }
  }

  private void submit() {
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        log.debug("handler executor rejected a task; dropping {} queued tasks", tasks.size());
        stats.handlerQueueDepth.add(-tasks.size());
        tasks.clear();
        scheduled = false;
      }
    }
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      for (int i = 0; i < BATCH; i++) {
        Runnable next;
        synchronized (this) {
          next = tasks.poll();
          if (next == null) {
            tasks = null; // an idle client holds no queue
            scheduled = false;
            return;
          }
        }
        stats.handlerQueueDepth.decrement();
        long start = stats.timing ? System.nanoTime() : 0;
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          log.warn("task failed", e);
        }
        if (start != 0) {
          stats.handlerTime.record(System.nanoTime() - start);
        }
      }
    } finally {
      runner = null;
    }
    submit();
  }
}
