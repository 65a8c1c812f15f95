package io.switchboard.chat.typing;

import io.switchboard.chat.cluster.ChatRedis;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Who is typing, shared by the nodes of a cluster through Redis, so that a user typing in two tabs on two nodes is one
 * "typing" to the room: a start is broadcast at most once per throttle interval cluster-wide, and exactly one node
 * (whichever finds the typing expired first) broadcasts the stop. Three keys per user and room: {@code live} (renewed
 * by every signal, expires after the expiry time), {@code sent} (a start went out within the throttle interval) and
 * {@code on} (the room was told "typing" and not yet "stopped"). When Redis is away or slow, this node's own
 * {@link TypingTracker} takes over.
 *
 * <pre>{@code
 * Typing typing = new RedisTyping(redis, timer, Duration.ofSeconds(2), Duration.ofSeconds(5), broadcast, localTracker);
 * typing.update("alice", "general", true); // broadcast unless some node did within 2 s
 * }</pre>
 */
public final class RedisTyping implements Typing {
  private static final String START = String.join("\n",
      "redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])",
      "if redis.call('SET', KEYS[2], '1', 'PX', ARGV[2], 'NX') then",
      "  redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])",
      "  return 1",
      "end",
      "redis.call('PEXPIRE', KEYS[3], ARGV[3])",
      "return 0");
  private static final String STOP = String.join("\n",
      "redis.call('DEL', KEYS[1], KEYS[2])",
      "return redis.call('DEL', KEYS[3])");
  /** Milliseconds left while someone renewed the typing; -1: expired, and this caller announces the stop; -2: done. */
  private static final String CHECK = String.join("\n",
      "local ttl = redis.call('PTTL', KEYS[1])",
      "if ttl > 0 then return ttl end",
      "redis.call('DEL', KEYS[2])",
      "if redis.call('DEL', KEYS[3]) == 1 then return -1 end",
      "return -2");

  private final ChatRedis redis;
  private final ScheduledExecutorService timer;
  private final long throttleMillis;
  private final long expiryMillis;
  private final TypingTracker.Broadcast out;
  private final TypingTracker local;
  private final Map<Key, ScheduledFuture<?>> checks = new HashMap<>();

  private record Key(String username, String room) {}

  /**
   * @param local the tracker used while Redis is away (with the same throttle, expiry and broadcast)
   */
  public RedisTyping(ChatRedis redis, ScheduledExecutorService timer, Duration throttle, Duration expiry,
      TypingTracker.Broadcast out, TypingTracker local) {
    this.redis = redis;
    this.timer = timer;
    this.throttleMillis = throttle.toMillis();
    this.expiryMillis = expiry.toMillis();
    this.out = out;
    this.local = local;
  }

  @Override
  public void update(String username, String room, boolean isTyping) {
    Key key = new Key(username, room);
    try {
      if (isTyping) {
        if (redis.eval(START, keys(key), Long.toString(expiryMillis), Long.toString(throttleMillis),
            Long.toString(expiryMillis * 2 + throttleMillis)) == 1) {
          out.typing(room, username, true);
        }
        check(key, expiryMillis);
      } else if (redis.eval(STOP, keys(key)) == 1) {
        out.typing(room, username, false);
      }
    } catch (ChatRedis.Unavailable e) {
      local.update(username, room, isTyping);
    }
  }

  @Override
  public void stopAll(String username) {
    List<Key> mine;
    synchronized (this) {
      mine = checks.keySet().stream().filter(k -> k.username().equals(username)).toList();
    }
    for (Key k : mine) {
      update(k.username(), k.room(), false);
    }
    local.stopAll(username);
  }

  private String[] keys(Key k) {
    String tag = "{" + k.room() + "|" + k.username() + "}";
    return new String[] {redis.key("typing", tag, "live"), redis.key("typing", tag, "sent"),
        redis.key("typing", tag, "on")};
  }

  /** Makes sure this node looks again once the typing may have expired (one pending look per user and room). */
  private synchronized void check(Key key, long delayMillis) {
    ScheduledFuture<?> pending = checks.get(key);
    if (pending == null || pending.isDone()) {
      checks.put(key, timer.schedule(() -> redis.background().execute(() -> expire(key)), delayMillis + 1,
          TimeUnit.MILLISECONDS));
    }
  }

  private void expire(Key key) {
    synchronized (this) {
      checks.remove(key);
    }
    try {
      long r = redis.eval(CHECK, keys(key));
      if (r > 0) {
        check(key, r);
      } else if (r == -1) {
        out.typing(key.room(), key.username(), false);
      }
    } catch (ChatRedis.Unavailable e) {
      // Redis will forget by itself ("on" expires); the clients' indicators end on their own too
    }
  }
}
