package io.switchboard.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The stage of an acknowledgement to come: a {@link CompletableFuture} whose blocking waits fail fast on a Netty I/O
 * thread, where the answer could never be read while the thread waits (so do the stages derived from it).
 */
final class AckFuture<T> extends CompletableFuture<T> {

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new AckFuture<>();
  }

  @Override
  public T get() throws InterruptedException, ExecutionException {
    checkThread();
    return super.get();
  }

  @Override
  public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
    checkThread();
    return super.get(timeout, unit);
  }

  @Override
  public T join() {
    checkThread();
    return super.join();
  }

  private void checkThread() {
    if (!isDone() && Dispatcher.onEventLoop()) {
      throw new IllegalStateException("waiting for an acknowledgement on a Netty I/O thread would block it for good: "
          + "chain a callback (thenAccept...) instead, or declare the event blocking (Namespace.blocking) so that its "
          + "handlers run on the handler executor");
    }
  }
}
