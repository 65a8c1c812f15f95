package io.switchboard.engine;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random ids (sessions, sockets, connections, cluster requests) from one generator for the whole process: the JDK's
 * DRBG, which does not read {@code /dev/urandom} (a system call under a lock) for each id as the default
 * {@code NativePRNG} does.
 *
 * <pre>{@code
 * String sid = Ids.base64Url(18);   // 24 characters, 144 random bits
 * String requestId = Ids.hex(8);    // 16 characters
 * }</pre>
 */
public final class Ids {
  private static final SecureRandom RANDOM = newRandom();

  private Ids() {
  }

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }

  /**
   * {@return {@code bytes} random bytes in URL-safe base64 without padding}
   *
   * @param bytes how many random bytes (a multiple of 3 gives an id of {@code 4 * bytes / 3} characters)
   */
  public static String base64Url(int bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random(bytes));
  }

  /**
   * {@return {@code bytes} random bytes in lower-case hex}
   *
   * @param bytes how many random bytes (the id has twice as many characters)
   */
  public static String hex(int bytes) {
    return HexFormat.of().formatHex(random(bytes));
  }

  private static byte[] random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b;
  }
}
