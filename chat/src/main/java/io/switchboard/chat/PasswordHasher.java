package io.switchboard.chat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;

/**
 * Hashes and checks passwords with bcrypt (the {@code at.favre.lib:bcrypt} library); slow by design, so call it off
 * the event loop.
 *
 * <pre>{@code
 * PasswordHasher hasher = new PasswordHasher(10);
 * String stored = hasher.hash("correct horse");
 * boolean ok = hasher.verify("correct horse", stored);
 * }</pre>
 */
public final class PasswordHasher {
  /** bcrypt reads at most this many bytes of a password. */
  public static final int MAX_PASSWORD_BYTES = 72;

  private final int cost;

  /** A hasher with bcrypt cost {@code cost} (2^cost rounds, 4..31). */
  public PasswordHasher(int cost) {
    if (cost < 4 || cost > 31) {
      throw new IllegalArgumentException("bcrypt cost must be 4..31, was " + cost);
    }
    this.cost = cost;
  }

  /** A salted bcrypt hash ({@code $2a$...}) of {@code password}. */
  public String hash(String password) {
    return BCrypt.withDefaults().hashToString(cost, password.toCharArray());
  }

  /** Whether {@code password} matches the stored {@code hash}; false for a malformed hash. */
  public boolean verify(String password, String hash) {
    BCrypt.Result result = BCrypt.verifyer().verify(
        password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8));
    return result.verified;
  }
}
