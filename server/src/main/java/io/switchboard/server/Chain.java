package io.switchboard.server;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Runs a middleware chain whose steps may call {@link Next} now or later; continuations run on the client's order. */
final class Chain {
  /** One middleware, bound to its subject. */
  @FunctionalInterface
  interface Step {
    void run(Next next) throws Exception;
  }

  private Chain() {}

  static void run(List<Step> steps, Dispatcher serial, Runnable done, Consumer<Throwable> failed) {
    run(steps, 0, serial, done, failed);
  }

  private static void run(List<Step> steps, int i, Dispatcher serial, Runnable done,
      Consumer<Throwable> failed) {
    if (i >= steps.size()) {
      done.run();
      return;
    }
    AtomicBoolean called = new AtomicBoolean();
    Next next = new Next() {
      @Override
      public void proceed() {
        if (called.compareAndSet(false, true)) {
          serial.executeOrRun(() -> run(steps, i + 1, serial, done, failed));
        }
      }

      @Override
      public void fail(Throwable error) {
        if (called.compareAndSet(false, true)) {
          serial.executeOrRun(() -> failed.accept(error == null ? new ConnectError("error") : error));
        }
      }
    };
    try {
      steps.get(i).run(next);
    } catch (Exception e) {
      next.fail(e);
    }
  }
}
