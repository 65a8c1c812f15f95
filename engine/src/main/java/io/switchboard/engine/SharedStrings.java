package io.switchboard.engine;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared copy of the strings that thousands of connections hold alike: lower-case header names, the values of
 * headers that are the same for most clients (host, user agent, upgrade, origin…), query parameters and request
 * targets. A bounded pool: once it is full, strings are kept as they come.
 *
 * <pre>{@code
 * String name = SharedStrings.headerName("Sec-WebSocket-Version");          // "sec-websocket-version", shared
 * String value = SharedStrings.headerValue(name, "13");                       // "13", shared
 * }</pre>
 */
final class SharedStrings {
  /** The query parameter naming the protocol version, shared. */
  static final String EIO = "EIO";
  /** The query parameter naming the transport, shared. */
  static final String TRANSPORT = "transport";

  /** How many distinct strings the pool keeps at most. */
  private static final int MAX = 4096;
  /** Longer strings are not pooled (a user agent fits). */
  private static final int MAX_LENGTH = 512;

  /** How many spellings of the known header names are remembered at most. */
  private static final int MAX_NAMES = 512;
  /** Header names known in advance, each under its lower-case spelling and the spellings clients were seen to use. */
  private static final Map<String, String> NAMES = new ConcurrentHashMap<>();
  /** Headers whose values repeat across clients; the others (keys, cookies, credentials) are never pooled. */
  private static final Set<String> SHARED_VALUES = Set.of("host", "upgrade", "connection", "sec-websocket-version",
      "sec-websocket-extensions", "origin", "user-agent", "accept", "accept-encoding", "accept-language",
      "cache-control", "pragma", "referer", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest", "sec-ch-ua",
      "sec-ch-ua-mobile", "sec-ch-ua-platform", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port",
      "content-type", "dnt", "priority");
  private static final Map<String, String> POOL = new ConcurrentHashMap<>();

  static {
    POOL.put(EIO, EIO);
    POOL.put(TRANSPORT, TRANSPORT);
  }

  static {
    for (String n : SHARED_VALUES) {
      NAMES.put(n, n);
    }
    for (String n : new String[] {"sec-websocket-key", "sec-websocket-protocol", "cookie", "authorization",
        "x-forwarded-for", "x-real-ip", "forwarded", "content-length", "transfer-encoding", "if-none-match"}) {
      NAMES.put(n, n);
    }
  }

  private SharedStrings() {}

  /** {@return the header name in lower case, a shared copy when it is a common name} */
  static String headerName(String name) {
    String known = NAMES.get(name);
    if (known != null) {
      return known;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    known = NAMES.get(lower);
    if (known == null) {
      return lower;
    }
    if (NAMES.size() < MAX_NAMES) {
      NAMES.putIfAbsent(name, known); // the spelling clients send, found at once next time
    }
    return known;
  }

  /** {@return the value of header {@code lowerName}: a shared copy when that header's values repeat across clients} */
  static String headerValue(String lowerName, String value) {
    return SHARED_VALUES.contains(lowerName) ? share(value) : value;
  }

  /**
   * {@return the value of query parameter {@code key} (a shared name): a shared copy for the protocol's own
   * parameters {@code EIO} and {@code transport}, {@code value} itself for any other}
   */
  static String queryValue(String key, String value) {
    return key == EIO || key == TRANSPORT ? share(value) : value;
  }

  /** {@return a shared copy of {@code s}, or {@code s} itself when it is long or the pool is full} */
  static String share(String s) {
    if (s == null || s.length() > MAX_LENGTH) {
      return s;
    }
    String shared = POOL.get(s);
    if (shared != null) {
      return shared;
    }
    if (POOL.size() >= MAX) {
      return s;
    }
    shared = POOL.putIfAbsent(s, s);
    return shared != null ? shared : s;
  }
}
