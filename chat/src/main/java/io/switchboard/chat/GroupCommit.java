package io.switchboard.chat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes committed transactions durable in groups: each caller asks {@link #after()} once its commit returned, and one
 * flush (such as H2's {@code CHECKPOINT SYNC}, an fsync of the database file) on a thread of its own serves every
 * caller that asked before it started. Under load the cost of one fsync is shared by all the transactions of its group.
 *
 * <pre>{@code
 * GroupCommit durable = new GroupCommit(() -> run("CHECKPOINT SYNC"), dbExecutor);
 * commit(work);
 * durable.after().thenRun(() -> ack.send(ok)); // on disk now
 * }</pre>
 *
 * <p>A caller that asks while a flush runs waits for the next one: the running flush may have started before its
 * commit. Callers are completed on {@code completions}, never on the flushing thread, so that what they do next
 * does not delay the next flush.
 */
final class GroupCommit implements AutoCloseable {
  /** Runs the flush statement. */
  @FunctionalInterface
  interface Flush {
    void run() throws SQLException;
  }

  private final Flush flush;
  private final Executor completions;
  private final ExecutorService flusher = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "chat-db-sync");
    t.setDaemon(true);
    return t;
  });
  private final Object lock = new Object();
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private boolean running;

  GroupCommit(Flush flush, Executor completions) {
    this.flush = flush;
    this.completions = completions;
  }

  /** Completes once everything committed before this call is durable; fails if the flush fails. */
  CompletableFuture<Void> after() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    boolean start;
    synchronized (lock) {
      waiting.add(f);
      start = !running;
      running = true;
    }
    if (start) {
      try {
        flusher.execute(this::drain);
      } catch (RejectedExecutionException closed) {
        fail(take(), new IllegalStateException("the database is closed"));
      }
    }
    return f;
  }

  private void drain() {
    while (true) {
      List<CompletableFuture<Void>> group;
      synchronized (lock) {
        if (waiting.isEmpty()) {
          running = false;
          return;
        }
        group = waiting;
        waiting = new ArrayList<>();
      }
      try {
        flush.run();
        complete(group);
      } catch (SQLException | RuntimeException e) {
        fail(group, new Database.DatabaseException(e instanceof SQLException s ? s : new SQLException(e)));
      }
    }
  }

  private List<CompletableFuture<Void>> take() {
    synchronized (lock) {
      List<CompletableFuture<Void>> group = waiting;
      waiting = new ArrayList<>();
      running = false;
      return group;
    }
  }

  private void complete(List<CompletableFuture<Void>> group) {
    try {
      completions.execute(() -> group.forEach(f -> f.complete(null)));
    } catch (RejectedExecutionException closing) {
      group.forEach(f -> f.complete(null));
    }
  }

  private static void fail(List<CompletableFuture<Void>> group, RuntimeException e) {
    group.forEach(f -> f.completeExceptionally(e));
  }

  /** Runs the flushes already asked for, then stops. */
  @Override
  public void close() {
    flusher.shutdown();
    try {
      flusher.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
