package io.switchboard.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A graceful close in progress ({@link Server#close(Duration)}), as a going-away hook sees it: how long the server
 * waits, over which window it tells its clients to go, and a way to make it wait for the hook's own work.
 *
 * <pre>{@code
 * io.onShutdown(shutdown -> {
 *   for (EventStream stream : streams) {                       // an endpoint of the application's own
 *     timer.schedule(stream::endWithRetry, shutdown.nextDelay().toMillis(), TimeUnit.MILLISECONDS);
 *   }
 *   shutdown.hold(allStreamsEnded);                            // the close waits for it, up to the grace period
 * });
 * }</pre>
 *
 * <p>The server tells its Socket.IO clients to go one after another, evenly spaced in a random order over the
 * {@link #spread()} window (the first half of the grace period), so that the servers they reconnect to are not hit
 * by all of them in one moment; a hook should spread its own connections the same way, with {@link #nextDelay()}.
 */
public final class Shutdown {
  private final Duration grace;
  private final Duration spread;
  private final long deadlineNanos;
  private final List<CompletableFuture<?>> held = new CopyOnWriteArrayList<>();

  Shutdown(Duration grace, long startNanos) {
    this.grace = Objects.requireNonNull(grace, "grace");
    this.spread = grace.dividedBy(2);
    this.deadlineNanos = startNanos + grace.toNanos();
  }

  /**
   * How long the server waits in all for its clients and the held work before it closes what is left.
   *
   * @return the grace period given to {@link Server#close(Duration)}, counted from the start of the close
   */
  public Duration grace() {
    return grace;
  }

  /**
   * The window over which clients are told to go.
   *
   * @return the first half of {@link #grace()}
   */
  public Duration spread() {
    return spread;
  }

  /**
   * The time left until the grace period ends, read from the monotonic clock on each call.
   *
   * @return the time left, zero once the grace period is over
   */
  public Duration remaining() {
    long left = deadlineNanos - System.nanoTime();
    return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
  }

  /**
   * A random point of the {@link #spread()} window, uniformly drawn: when to tell one connection to go. Safe to call
   * from any thread.
   *
   * @return a delay from now, at least zero and less than {@link #spread()} (zero when the window is empty)
   */
  public Duration nextDelay() {
    long window = spread.toNanos();
    return window <= 0 ? Duration.ZERO : Duration.ofNanos(ThreadLocalRandom.current().nextLong(window));
  }

  /**
   * Makes the close wait for {@code work} (up to the end of the grace period) before it closes what is left. Work
   * that fails counts as done: the failure is logged and the close goes on. Call it from within the hook: work held
   * after the hooks have returned is not waited for.
   *
   * @param work what the close waits for
   * @throws NullPointerException if {@code work} is null
   */
  public void hold(CompletionStage<?> work) {
    held.add(work.toCompletableFuture());
  }

  /** Everything held so far, done. */
  CompletableFuture<Void> held() {
    return CompletableFuture.allOf(held.toArray(CompletableFuture[]::new));
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  /**
   * When each of {@code n} clients is told to go, in nanoseconds from the start: evenly spaced over the window, the
   * first at once and the last one step before its end ({@code window * i / n}).
   */
  static long[] offsets(int n, long windowNanos) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = (long) ((double) windowNanos * i / n);
    }
    return out;
  }
}
