package io.switchboard.engine;

import io.netty.channel.ChannelPipeline;
import io.switchboard.testkit.EngineHttpClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A real {@link EngineServer} behind a real {@link HttpServer} on an ephemeral port of 127.0.0.1, for behaviour
 * tests: it echoes every message and records what happens to each session on the server side.
 *
 * <pre>{@code
 * try (PollingHttpServerFixture server = PollingHttpServerFixture.start(EngineOptions.DEFAULT)) {
 *   String sid = server.eio().openPolling().sid();
 *   assertThat(server.awaitClose(sid, WAIT)).isEqualTo(CloseReason.PING_TIMEOUT);
 * }
 * }</pre>
 */
final class PollingHttpServerFixture implements AutoCloseable {

  /** Something that happened to a session, seen from the server. */
  record Event(String sid, String kind, Object value) {}

  private final EngineServer engine;
  private final HttpServer http;
  private final EngineHttpClient eio;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final List<Event> seen = new ArrayList<>();
  private volatile boolean echo = true;

  private PollingHttpServerFixture(EngineOptions options, Consumer<ChannelPipeline> moreHandlers) {
    engine = new EngineServer(options);
    engine.onConnection(this::onConnection);
    http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), 2, pipeline -> {
      pipeline.addLast(engine.newHandler());
      moreHandlers.accept(pipeline);
    });
    eio = new EngineHttpClient(URI.create(url() + options.path()), Duration.ofSeconds(15));
  }

  /** Starts an echo server with these options. */
  static PollingHttpServerFixture start(EngineOptions options) {
    return new PollingHttpServerFixture(options, p -> {});
  }

  /** Starts an echo server with these options and application handlers after the Engine.IO handler. */
  static PollingHttpServerFixture start(EngineOptions options, Consumer<ChannelPipeline> moreHandlers) {
    return new PollingHttpServerFixture(options, moreHandlers);
  }

  /** Turns echoing off (messages are still recorded). */
  PollingHttpServerFixture noEcho() {
    echo = false;
    return this;
  }

  EngineServer engine() {
    return engine;
  }

  /** {@code http://127.0.0.1:<port>}. */
  String url() {
    return "http://127.0.0.1:" + http.port();
  }

  int port() {
    return http.port();
  }

  /** A raw client for the Engine.IO path. */
  EngineHttpClient eio() {
    return eio;
  }

  /** The server-side socket of a session, waiting for the connection to be reported. */
  EngineSocket awaitSocket(String sid, Duration wait) {
    await(e -> e.sid().equals(sid) && e.kind().equals("connection"), wait);
    return engine.socket(sid);
  }

  /** The reason the server gave when it closed (or saw the close of) the session. */
  CloseReason awaitClose(String sid, Duration wait) {
    return (CloseReason) await(e -> e.sid().equals(sid) && e.kind().equals("close"), wait).value();
  }

  /** The description the server gave when it closed (or saw the close of) the session. */
  String awaitCloseDescription(String sid, Duration wait) {
    return (String) await(e -> e.sid().equals(sid) && e.kind().equals("closeDescription"), wait).value();
  }

  /** The next message (text or binary) the session received. */
  Object awaitMessage(String sid, Duration wait) {
    return await(e -> e.sid().equals(sid) && (e.kind().equals("text") || e.kind().equals("binary")), wait).value();
  }

  /** The transport a session upgraded to. */
  Transport awaitUpgrade(String sid, Duration wait) {
    return (Transport) await(e -> e.sid().equals(sid) && e.kind().equals("upgrade"), wait).value();
  }

  /** Consumes recorded events until one matches, failing with what was seen after {@code wait}. */
  Event await(Predicate<Event> predicate, Duration wait) {
    synchronized (seen) {
      for (Event e : seen) {
        if (predicate.test(e)) {
          seen.remove(e);
          return e;
        }
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      Event e;
      try {
        e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", ie);
      }
      if (e == null) {
        synchronized (seen) {
          throw new AssertionError("no matching server event within " + wait + "; unmatched: " + seen);
        }
      }
      if (predicate.test(e)) {
        return e;
      }
      synchronized (seen) {
        seen.add(e);
      }
    }
  }

  @Override
  public void close() {
    engine.close();
    http.close();
  }

  private void onConnection(EngineSocket socket) {
    String sid = socket.id();
    events.add(new Event(sid, "connection", socket.transport()));
    socket.listener(new EngineSocket.Listener() {
      @Override
      public void onMessage(String text) {
        events.add(new Event(sid, "text", text));
        if (echo) {
          socket.send(text);
        }
      }

      @Override
      public void onBinary(byte[] data) {
        events.add(new Event(sid, "binary", data));
        if (echo) {
          socket.send(data);
        }
      }

      @Override
      public void onUpgrade(Transport transport) {
        events.add(new Event(sid, "upgrade", transport));
      }

      @Override
      public void onClose(CloseReason reason, String description) {
        events.add(new Event(sid, "close", reason));
        events.add(new Event(sid, "closeDescription", description));
      }
    });
  }
}
