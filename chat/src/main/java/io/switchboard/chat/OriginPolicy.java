package io.switchboard.chat;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Decides which browser origins may call the REST and event-stream routes: the page's own origin, and the configured
 * extra ones.
 *
 * <pre>{@code
 * OriginPolicy origins = new OriginPolicy(List.of("https://chat.example.com"));
 * boolean ok = origins.allows("http://localhost:3000", "localhost:3000"); // same origin: true
 * }</pre>
 *
 * <p>The REST and event-stream routes and the Socket.IO handshakes all use this one rule: an {@code Origin} must name
 * the host the request was sent to ({@code Host}) or be one of the configured extra origins.
 */
public final class OriginPolicy {
  private final List<String> extra;

  public OriginPolicy(List<String> extraOrigins) {
    this.extra = extraOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT).replaceAll("/+$", "")).toList();
  }

  /**
   * Whether a request with this {@code Origin} header (null when absent: not a cross-origin browser request) and this
   * {@code Host} header may proceed.
   */
  public boolean allows(String origin, String host) {
    if (origin == null) {
      return true;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    if (extra.contains(o) || extra.contains("*")) {
      return true;
    }
    try {
      URI uri = URI.create(o);
      if (uri.getHost() == null || host == null) {
        return false;
      }
      String authority = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      String h = host.toLowerCase(Locale.ROOT);
      return authority.equals(h) || (uri.getPort() == -1 && h.equals(uri.getHost() + ":" + defaultPort(uri)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code origin} is one of the configured cross-origin ones (so CORS headers should be added). */
  public boolean isCrossOriginAllowed(String origin) {
    return origin != null && (extra.contains(origin.toLowerCase(Locale.ROOT)) || extra.contains("*"));
  }

  private static int defaultPort(URI uri) {
    return "https".equals(uri.getScheme()) ? 443 : 80;
  }
}
