package io.switchboard.chat;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat's input rules: room and user names, message text, passwords; each check returns the error to show, or
 * empty when the input is fine.
 *
 * <pre>{@code
 * Optional<String> error = InputRules.checkText(text); // "Message is empty", "Message is longer than 2000 characters"
 * }</pre>
 */
public final class InputRules {
  /** The longest message, in characters (Unicode code points). */
  public static final int MAX_TEXT = 2000;
  /** Room names: 1 to 32 of lower-case letters, digits and hyphens. */
  public static final Pattern ROOM = Pattern.compile("[a-z0-9-]{1,32}");
  /** User names: 1 to 32 of letters, digits, underscores and hyphens. */
  public static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_-])@([A-Za-z0-9_-]{1,32})(?![A-Za-z0-9_-])");

  private InputRules() {}

  /** Checks a room name. */
  public static Optional<String> checkRoom(Object room) {
    if (!(room instanceof String s) || !ROOM.matcher(s).matches()) {
      return Optional.of("Invalid room name: use 1 to 32 of a-z, 0-9 and -");
    }
    return Optional.empty();
  }

  /** Checks a user name. */
  public static Optional<String> checkUsername(Object username) {
    if (!(username instanceof String s) || !USERNAME.matcher(s).matches()) {
      return Optional.of("Invalid username: use 1 to 32 of A-Z, a-z, 0-9, _ and -");
    }
    return Optional.empty();
  }

  /** Checks a password: 4 characters at least, 72 bytes at most (bcrypt's limit). */
  public static Optional<String> checkPassword(Object password) {
    if (!(password instanceof String s) || s.length() < 4) {
      return Optional.of("Password must have at least 4 characters");
    }
    if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > PasswordHasher.MAX_PASSWORD_BYTES) {
      return Optional.of("Password must be at most 72 bytes");
    }
    return Optional.empty();
  }

  /** Checks message text: a non-blank string of at most {@link #MAX_TEXT} characters. */
  public static Optional<String> checkText(Object text) {
    if (!(text instanceof String s) || s.isBlank()) {
      return Optional.of("Message is empty");
    }
    if (s.codePointCount(0, s.length()) > MAX_TEXT) {
      return Optional.of("Message is longer than " + MAX_TEXT + " characters");
    }
    return Optional.empty();
  }

  /** The most characters of a client's own message id. */
  public static final int MAX_CLIENT_ID = 64;

  /** Checks an optional client message id: absent (null) or a non-empty string of at most 64 characters. */
  public static Optional<String> checkClientId(Object clientId) {
    if (clientId == null) {
      return Optional.empty();
    }
    if (!(clientId instanceof String s) || s.isEmpty() || s.length() > MAX_CLIENT_ID) {
      return Optional.of("Invalid clientId: a string of 1 to " + MAX_CLIENT_ID + " characters");
    }
    return Optional.empty();
  }

  /** The distinct user names mentioned as {@code @name} in {@code text}, in order of appearance. */
  public static Set<String> mentions(String text) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
