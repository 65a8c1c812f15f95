package io.switchboard.chat.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatTiming;
import io.switchboard.chat.TokenService;
import io.switchboard.chat.socket.Connection;
import io.switchboard.chat.socket.Replies;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A connection lives as long as its token: {@code auth:expiring {expiresAt}} a while before the end, then
 * {@code auth:expired} and a disconnection, unless the client sent {@code auth:refresh ({token})} with a newer token of
 * the same user.
 *
 * <pre>{@code
 * TokenExpiry expiry = new TokenExpiry(tokens, timer, Clock.systemUTC(), ChatTiming.DEFAULT);
 * expiry.attach(connection); // schedules, and handles auth:refresh
 * expiry.cancel(connection); // on disconnection
 * }</pre>
 */
public final class TokenExpiry {
  private final TokenService tokens;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final ChatTiming timing;

  public TokenExpiry(TokenService tokens, ScheduledExecutorService timer, Clock clock, ChatTiming timing) {
    this.tokens = tokens;
    this.timer = timer;
    this.clock = clock;
    this.timing = timing;
  }

  public void attach(Connection c) {
    schedule(c);
    c.socket().on("auth:refresh", (args, ack) -> Replies.answer(ack, () -> {
      JsonNode body = Replies.object(args);
      String token = body.path("token").isTextual() ? body.get("token").asText() : args.string(0);
      Optional<TokenService.Claims> claims = tokens.verify(token);
      if (claims.isEmpty() || !claims.get().username().equals(c.username())) {
        throw new ChatException("Authentication failed");
      }
      c.expiresAt().set(claims.get().expiresAt());
      schedule(c);
      return ChatJson.ok().put("expiresAt", claims.get().expiresAt().toEpochMilli());
    }));
  }

  private void schedule(Connection c) {
    cancel(c);
    Instant expiresAt = c.expiresAt().get();
    long left = expiresAt.toEpochMilli() - clock.millis();
    long lead = Math.min(timing.authWarning().toMillis(), tokens.lifetime().toMillis() / 2);
    c.warning().set(timer.schedule(() -> c.socket().emit("auth:expiring",
        Map.of("expiresAt", expiresAt.toEpochMilli())), Math.max(0, left - lead), TimeUnit.MILLISECONDS));
    c.expiry().set(timer.schedule(() -> {
      if (c.expiresAt().get().equals(expiresAt)) {
        c.socket().emit("auth:expired", Map.of("expiresAt", expiresAt.toEpochMilli()));
        c.socket().disconnect(true);
      }
    }, Math.max(0, left), TimeUnit.MILLISECONDS));
  }

  /** Stops the connection's timers. */
  public void cancel(Connection c) {
    ScheduledFuture<?> w = c.warning().getAndSet(null);
    if (w != null) {
      w.cancel(false);
    }
    ScheduledFuture<?> e = c.expiry().getAndSet(null);
    if (e != null) {
      e.cancel(false);
    }
  }
}
