package io.switchboard.server.cluster;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * A real Java Socket.IO client of one server of a test cluster that records every event it gets.
 *
 * <pre>{@code
 * ClusterClient a = ClusterClient.connect("http://127.0.0.1:" + port, "a", "room1,room2");
 * ClusterClient.Event e = a.next(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>The server side of the contract joins the rooms named in the {@code rooms} auth field, stores {@code name} as
 * the socket's data, then emits {@code joined}; {@link #connect} returns after that. The client answers
 * {@code question} acknowledgements with its name.
 */
public final class ClusterClient implements AutoCloseable {
  /** One event: its name and arguments (JSON values from org.json, byte[] for binary). */
  public record Event(String name, List<Object> args) {}

  private final String name;
  private final Socket socket;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

  private ClusterClient(String name, Socket socket) {
    this.name = name;
    this.socket = socket;
  }

  /** Connects to {@code url}'s namespace (the main one when the URL has no path), joins {@code rooms} (comma-separated) and waits until joined. */
  public static ClusterClient connect(String url, String name, String rooms, Duration wait) {
    IO.Options o = IO.Options.builder()
        .setForceNew(true)
        .setReconnection(false)
        .setTransports(new String[] {"websocket"})
        .setAuth(Map.of("name", name, "rooms", rooms))
        .build();
    Socket s = IO.socket(URI.create(url.matches("https?://[^/]+") ? url + "/" : url), o);
    ClusterClient c = new ClusterClient(name, s);
    s.onAnyIncoming(args -> {
      List<Object> list = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
      if (!list.isEmpty() && list.get(list.size() - 1) instanceof Ack) {
        list.remove(list.size() - 1);
      }
      c.events.add(new Event(String.valueOf(args[0]), list));
    });
    s.on("question", args -> {
      if (args.length > 0 && args[args.length - 1] instanceof Ack ack) {
        ack.call("answer-" + name);
      }
    });
    s.on(Socket.EVENT_DISCONNECT, args -> c.events.add(new Event("$disconnect", Arrays.asList(args))));
    s.on(Socket.EVENT_CONNECT_ERROR, args -> c.events.add(new Event("$connect_error", Arrays.asList(args))));
    s.connect();
    Event joined = c.next(wait);
    if (!joined.name().equals("joined")) {
      throw new AssertionError(name + ": expected joined, got " + joined);
    }
    return c;
  }

  /** The client's name. */
  public String name() {
    return name;
  }

  /** The socket id (the same on the server). */
  public String id() {
    return socket.id();
  }

  /** Whether the client is connected. */
  public boolean connected() {
    return socket.connected();
  }

  /** Emits an event to the server. */
  public void emit(String event, Object... args) {
    socket.emit(event, args);
  }

  /** Emits an event and waits for the server's acknowledgement; returns its first argument. */
  public Object emitWithAck(Duration wait, String event, Object... args) {
    java.util.concurrent.CompletableFuture<Object> answer = new java.util.concurrent.CompletableFuture<>();
    Object[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = (Ack) a -> answer.complete(a.length == 0 ? null : a[0]);
    socket.emit(event, all);
    try {
      return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(name + ": no acknowledgement of " + event + " within " + wait, e);
    }
  }

  /** The next event, or an {@link AssertionError} if none comes within {@code wait}. */
  public Event next(Duration wait) {
    try {
      Event e = events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (e == null) {
        throw new AssertionError(name + ": no event within " + wait);
      }
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new AssertionError(ex);
    }
  }

  /** Consumes events until {@code done} says stop (inclusive), returning those it consumed. */
  public List<Event> until(java.util.function.Predicate<List<Event>> done, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    List<Event> out = new ArrayList<>();
    while (!done.test(out)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(name + ": condition not met within " + wait + "; got " + out);
      }
      out.add(next(Duration.ofNanos(left)));
    }
    return out;
  }

  /** Renders an org.json value as plain text for assertions. */
  public static String text(Object o) {
    if (o instanceof byte[] b) {
      return "bytes:" + java.util.HexFormat.of().formatHex(b);
    }
    if (o instanceof JSONObject || o instanceof JSONArray) {
      return o.toString();
    }
    return String.valueOf(o);
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public String toString() {
    return "ClusterClient[" + name + "]";
  }
}
