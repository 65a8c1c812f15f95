package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenServiceTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef-test";
  private final TokenService tokens = new TokenService(SECRET, Duration.ofHours(1), Clock.systemUTC());

  @Test
  void aFreshTokenNamesItsUserAndLastsOneHour() {
    Instant before = Instant.now();
    TokenService.Claims claims = tokens.verify(tokens.issue("alice")).orElseThrow();
    assertThat(claims.username()).isEqualTo("alice");
    assertThat(claims.expiresAt()).isBetween(before.plusSeconds(3599), before.plusSeconds(3601));
    String header = new String(Base64.getUrlDecoder().decode(tokens.issue("alice").split("\\.")[0]),
        StandardCharsets.UTF_8);
    assertThat(header).contains("\"alg\":\"HS256\"");
  }

  @Test
  void rejectsATokenSignedWithAnotherSecret() {
    TokenService other = new TokenService("another-secret-another-secret-xx", Duration.ofHours(1), Clock.systemUTC());
    assertThat(tokens.verify(other.issue("alice"))).isEmpty();
  }

  @Test
  void rejectsAnUnsignedAlgNoneToken() {
    String[] parts = tokens.issue("alice").split("\\.");
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    assertThat(tokens.verify(none + "." + parts[1] + ".")).isEmpty();
    assertThat(tokens.verify(none + "." + parts[1] + "." + parts[2])).isEmpty();
  }

  @Test
  void rejectsATamperedPayload() {
    String[] parts = tokens.issue("alice").split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("alice", "admin");
    assertThat(tokens.verify(parts[0] + "." + b64(payload) + "." + parts[2])).isEmpty();
  }

  @Test
  void rejectsAnExpiredToken() {
    Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
    String old = new TokenService(SECRET, Duration.ofHours(1), twoHoursAgo).issue("alice");
    assertThat(tokens.verify(old)).isEmpty();
  }

  @Test
  void rejectsGarbage() {
    assertThat(tokens.verify(null)).isEmpty();
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify("not.a.jwt")).isEmpty();
    assertThat(tokens.verify("abc")).isEmpty();
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
