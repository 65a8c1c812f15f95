package io.switchboard.chat.typing;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns a user's stream of "typing" signals into few room broadcasts: a start is repeated at most once per throttle
 * interval, a stop is sent once, and typing that is not renewed expires (a stop is sent) after the expiry time.
 *
 * <pre>{@code
 * TypingTracker typing = new TypingTracker(timer, Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC(),
 *     (room, user, isTyping) -> io.to(room).except("user:" + user).asVolatile()
 *         .emit("user:typing", Map.of("room", room, "username", user, "isTyping", isTyping)));
 * typing.update("alice", "general", true);  // broadcast: alice is typing
 * typing.update("alice", "general", true);  // within 2 s: nothing
 * // 5 s without a renewal: broadcast "alice stopped"
 * }</pre>
 */
public final class TypingTracker implements Typing {
  /** Where the tracker's decisions go. */
  @FunctionalInterface
  public interface Broadcast {
    void typing(String room, String username, boolean isTyping);
  }

  private final ScheduledExecutorService timer;
  private final long throttleMillis;
  private final long expiryMillis;
  private final Clock clock;
  private final Broadcast out;
  private final Map<Key, State> states = new HashMap<>();

  private record Key(String username, String room) {}

  private static final class State {
    long lastSent;
    ScheduledFuture<?> expiry;
  }

  public TypingTracker(ScheduledExecutorService timer, Duration throttle, Duration expiry, Clock clock,
      Broadcast out) {
    this.timer = timer;
    this.throttleMillis = throttle.toMillis();
    this.expiryMillis = expiry.toMillis();
    this.clock = clock;
    this.out = out;
  }

  /** A typing signal of {@code username} in {@code room}. */
  @Override
  public void update(String username, String room, boolean isTyping) {
    boolean send;
    synchronized (this) {
      Key key = new Key(username, room);
      State s = states.get(key);
      long now = clock.millis();
      if (isTyping) {
        if (s == null) {
          s = new State();
          states.put(key, s);
          send = true;
        } else {
          send = now - s.lastSent >= throttleMillis;
          s.expiry.cancel(false);
        }
        if (send) {
          s.lastSent = now;
        }
        s.expiry = timer.schedule(() -> expire(key), expiryMillis, TimeUnit.MILLISECONDS);
      } else {
        send = s != null;
        if (s != null) {
          s.expiry.cancel(false);
          states.remove(key);
        }
      }
    }
    if (send) {
      out.typing(room, username, isTyping);
    }
  }

  /** Stops every typing state of {@code username} (it disconnected). */
  @Override
  public void stopAll(String username) {
    List<Key> keys;
    synchronized (this) {
      keys = states.keySet().stream().filter(k -> k.username().equals(username)).toList();
    }
    keys.forEach(k -> update(k.username(), k.room(), false));
  }

  private void expire(Key key) {
    synchronized (this) {
      State s = states.get(key);
      if (s == null || !s.expiry.isDone() && s.expiry.getDelay(TimeUnit.MILLISECONDS) > 0) {
        return;
      }
      states.remove(key);
    }
    out.typing(key.room(), key.username(), false);
  }
}
