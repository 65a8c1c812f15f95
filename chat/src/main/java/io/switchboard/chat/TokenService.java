package io.switchboard.chat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Issues and verifies the chat's sign-in tokens: JWTs signed with HS256 (the {@code com.auth0:java-jwt} library).
 *
 * <pre>{@code
 * TokenService tokens = new TokenService(secret, Duration.ofHours(1), Clock.systemUTC());
 * String jwt = tokens.issue("alice");
 * Optional<TokenService.Claims> who = tokens.verify(jwt); // empty if forged, expired or "alg": "none"
 * }</pre>
 */
public final class TokenService {
  private static final String ISSUER = "switchboard-chat";

  private final Algorithm algorithm;
  private final JWTVerifier verifier;
  private final Duration lifetime;
  private final Clock clock;

  /** What a valid token says: who, and until when. */
  public record Claims(String username, Instant expiresAt) {}

  public TokenService(String secret, Duration lifetime, Clock clock) {
    this.algorithm = Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8));
    this.lifetime = lifetime;
    this.clock = clock;
    // The verifier accepts HS256 with this secret only: "none", other algorithms and other keys all fail.
    this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm).withIssuer(ISSUER).acceptLeeway(0))
        .build(clock);
  }

  /** How long an issued token is valid. */
  public Duration lifetime() {
    return lifetime;
  }

  /** A new token for {@code username}, valid for {@link #lifetime()}. */
  public String issue(String username) {
    Instant now = clock.instant();
    return JWT.create()
        .withIssuer(ISSUER)
        .withSubject(username)
        .withIssuedAt(now)
        .withExpiresAt(now.plus(lifetime))
        .sign(algorithm);
  }

  /** The claims of a valid token; empty for a missing, malformed, forged, unsigned or expired one. */
  public Optional<Claims> verify(String token) {
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    try {
      DecodedJWT jwt = verifier.verify(token);
      String subject = jwt.getSubject();
      if (subject == null || jwt.getExpiresAtAsInstant() == null) {
        return Optional.empty();
      }
      return Optional.of(new Claims(subject, jwt.getExpiresAtAsInstant()));
    } catch (JWTVerificationException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
