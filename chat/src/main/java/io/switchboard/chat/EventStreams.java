package io.switchboard.chat;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The limits of the chat's Server-Sent Events streams on one node, and the count of open streams that enforces them:
 * at most so many streams per user and per client address, a heartbeat comment while idle, and a cap on the bytes a
 * stream may have waiting for a reader that does not keep up.
 *
 * <pre>{@code
 * EventStreams streams = new EventStreams(Duration.ofSeconds(15), 5, 20, 1 << 20);
 * if (streams.tryOpen("bob", "203.0.113.7") instanceof EventStreams.Slot slot) { // else a Refusal: at the cap
 *   ...
 *   slot.close();                                                                  // when the stream ends
 * }
 * }</pre>
 */
public final class EventStreams {
  private final Duration heartbeat;
  private final int perUser;
  private final int perAddress;
  private final int maxBuffered;
  private final ConcurrentHashMap<String, Integer> byUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();
  private final java.util.Set<EventStream> open = ConcurrentHashMap.newKeySet();

  /**
   * @param heartbeat   how often an idle stream gets a comment line
   * @param perUser     the most streams one user holds open at once
   * @param perAddress  the most streams one client address holds open at once
   * @param maxBuffered the most unsent bytes a stream may have before it is dropped
   */
  public EventStreams(Duration heartbeat, int perUser, int perAddress, int maxBuffered) {
    this.heartbeat = Objects.requireNonNull(heartbeat, "heartbeat");
    if (heartbeat.isNegative() || heartbeat.isZero() || perUser < 1 || perAddress < 1 || maxBuffered < 1024) {
      throw new IllegalArgumentException("heartbeat and caps must be positive, maxBuffered at least 1024");
    }
    this.perUser = perUser;
    this.perAddress = perAddress;
    this.maxBuffered = maxBuffered;
  }

  /** The limits of this configuration. */
  public static EventStreams of(ChatConfig config) {
    return new EventStreams(config.sseHeartbeat(), config.sseStreamsPerUser(), config.sseStreamsPerIp(),
        config.sseMaxBuffer());
  }

  /** What {@link #tryOpen} gives: a {@link Slot}, or the {@link Refusal} saying why not. */
  sealed interface Opening permits Slot, Refusal {}

  /** Why a stream was not opened. */
  enum Refusal implements Opening {
    USER("Too many event streams for this user"),
    ADDRESS("Too many event streams from this address");

    final String message;

    Refusal(String message) {
      this.message = message;
    }
  }

  /** A place taken by one open stream; closing it (once or more) gives the place back. */
  final class Slot implements Opening, AutoCloseable {
    private final String user;
    private final String address;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Slot(String user, String address) {
      this.user = user;
      this.address = address;
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        release(byUser, user);
        release(byAddress, address);
      }
    }
  }

  /** Takes a place for a stream of {@code user} from {@code address}, or returns why not. */
  Opening tryOpen(String user, String address) {
    if (!take(byUser, user, perUser)) {
      return Refusal.USER;
    }
    if (!take(byAddress, address, perAddress)) {
      release(byUser, user);
      return Refusal.ADDRESS;
    }
    return new Slot(user, address);
  }

  /** A stream started; it is told to go at a shutdown. */
  void opened(EventStream stream) {
    open.add(stream);
  }

  /** A stream ended. */
  void closed(EventStream stream) {
    open.remove(stream);
  }

  /**
   * A graceful shutdown ({@link io.switchboard.server.Server#onShutdown}): each open stream is ended at a random point
   * of the spread window with a {@code retry:} line (so the browser's EventSource comes back, through the balancer,
   * after a second or two, with its {@code Last-Event-ID}), and the shutdown waits for all of them to end.
   */
  void goAway(io.switchboard.server.Shutdown shutdown) {
    java.util.List<java.util.concurrent.CompletableFuture<Void>> ended = new java.util.ArrayList<>();
    for (EventStream stream : open) {
      long retry = 1000 + java.util.concurrent.ThreadLocalRandom.current().nextLong(2000);
      ended.add(stream.goAway(shutdown.nextDelay(), retry));
    }
    shutdown.hold(java.util.concurrent.CompletableFuture.allOf(
        ended.toArray(java.util.concurrent.CompletableFuture[]::new)));
  }

  /** How many streams {@code user} holds open on this node. */
  public int openStreams(String user) {
    return byUser.getOrDefault(user, 0);
  }

  /** How often an idle stream gets a comment line. */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** The most unsent bytes a stream may have before it is dropped. */
  public int maxBuffered() {
    return maxBuffered;
  }

  private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int cap) {
    boolean[] taken = new boolean[1];
    counts.compute(key, (k, n) -> {
      int current = n == null ? 0 : n;
      if (current >= cap) {
        return n;
      }
      taken[0] = true;
      return current + 1;
    });
    return taken[0];
  }

  private static void release(ConcurrentHashMap<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
