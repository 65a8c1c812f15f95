package io.switchboard.server;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records named events with their arguments from any thread, and awaits them in order. */
final class Recorder {
  record Event(String name, List<Object> args) {
    Object arg(int i) {
      return args.get(i);
    }
  }

  private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();

  void record(String name, Object... args) {
    queue.add(new Event(name, Arrays.asList(args)));
  }

  /** A listener for the Java client that records {@code name}. */
  io.socket.emitter.Emitter.Listener listener(String name) {
    return args -> record(name, args);
  }

  /** Waits for the next event and checks its name. */
  Event await(String name) {
    return await(name, TestServer.WAIT);
  }

  Event await(String name, Duration wait) {
    try {
      Event e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        fail("no event within " + wait + ", expected " + name);
      }
      if (!e.name().equals(name)) {
        fail("expected " + name + " but got " + e);
      }
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ex);
    }
  }

  /** Asserts that no event comes within {@code wait}. */
  void assertNone(Duration wait) {
    try {
      Event e = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (e != null) {
        fail("unexpected event " + e);
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ex);
    }
  }
}
