package io.switchboard.engine;

import java.util.Objects;
import java.util.Set;

/**
 * Which {@code Origin} header values may use an endpoint: the check behind {@link EngineOptions#allowedOrigins()} and
 * the plain WebSocket endpoint's {@code allowedOrigins}, in one place.
 *
 * <pre>{@code
 * OriginPolicy policy = new OriginPolicy(Set.of("https://chat.example"), true);
 * policy.allows("https://chat.example");   // true
 * policy.allows("https://evil.example");   // false: 403 before the upgrade
 * policy.allows(null);                     // true: no Origin (not a browser page)
 * }</pre>
 *
 * @param allowed       exact origins such as {@code https://chat.example}; empty for every origin
 * @param allowMissing  whether a request without an {@code Origin} header may proceed
 */
public record OriginPolicy(Set<String> allowed, boolean allowMissing) {
  /** Every origin, and requests without one. */
  public static final OriginPolicy ANY = new OriginPolicy(Set.of(), true);

  /**
   * Checks and copies the allowed origins.
   *
   * @param allowed exact origins such as {@code https://chat.example}; empty for every origin; copied
   * @param allowMissing whether a request without an {@code Origin} header may proceed
   * @throws NullPointerException if {@code allowed} is null
   * @throws IllegalArgumentException if an allowed origin is null or empty
   */
  public OriginPolicy {
    for (String origin : Objects.requireNonNull(allowed, "allowed")) {
      if (origin == null || origin.isEmpty()) {
        throw new IllegalArgumentException("allowed origins must not be empty");
      }
    }
    allowed = Set.copyOf(allowed);
  }

  /**
   * {@return whether a request with this {@code Origin} header value may proceed} The value is compared with the
   * allowed origins as an exact, case-sensitive string.
   *
   * @param origin the {@code Origin} header value, or {@code null} when the request has none
   */
  public boolean allows(String origin) {
    if (origin == null) {
      return allowMissing;
    }
    return allowed.isEmpty() || allowed.contains(origin);
  }

  /**
   * {@return whether a header value holds printable ASCII only (0x20 to 0x7e)} An {@code Origin} with control or
   * non-ASCII characters is a bad request (400), whatever the policy.
   *
   * @param s the header value; not null
   */
  public static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
