package io.switchboard.chat;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides which browser origins may call the REST and event-stream routes: the page's own origin, and the configured
 * extra ones.
 *
 * <pre>{@code
 * OriginPolicy origins = new OriginPolicy(List.of("https://chat.example.com"));
 * boolean ok = origins.allows("http://localhost:3000", "localhost:3000"); // same origin: true
 * Set<String> forSocketIo = origins.socketOrigins("0.0.0.0", 3000); // the extra ones + http://localhost:3000, ...
 * }</pre>
 *
 * <p>The REST and event-stream routes compare an {@code Origin} with the request's own {@code Host}. An allow-list
 * given to the Socket.IO server as a fixed set ({@link #socketOrigins}) cannot: it lists the origins the page is
 * served under directly (the listen address, or every local address and name when listening on all of them) plus the
 * configured extra ones; a page behind a proxy under another name needs that name in the extra origins.
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

  /**
   * The origins a browser shows for the page served on {@code host:port} (plain HTTP), and the configured extra ones:
   * the allow-list for Socket.IO connections. For a wildcard {@code host} ({@code 0.0.0.0}, {@code ::}) that is every
   * local address and the machine's name, besides {@code localhost}.
   */
  public Set<String> socketOrigins(String host, int port) {
    Set<String> out = new LinkedHashSet<>(extra);
    for (String name : pageHosts(host)) {
      String h = name.contains(":") && !name.startsWith("[") ? "[" + name + "]" : name;
      out.add("http://" + h.toLowerCase(Locale.ROOT) + (port == 80 ? "" : ":" + port));
    }
    return Collections.unmodifiableSet(out);
  }

  private static Set<String> pageHosts(String host) {
    Set<String> names = new LinkedHashSet<>();
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isEmpty();
    try {
      InetAddress listen = wildcard ? null : InetAddress.getByName(host);
      if (wildcard || listen.isLoopbackAddress()) {
        names.add("localhost");
        names.add("127.0.0.1");
        names.add("::1");
      }
      if (!wildcard) {
        names.add(host);
        names.add(text(listen));
        return names;
      }
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      names.add(host);
      return names;
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          names.add(text(a));
        }
      }
    } catch (SocketException e) {
      // the loopback names above remain
    }
    return names;
  }

  /** An address as a browser writes it in a URL: IPv6 without its zone and with the longest zero run as {@code ::}. */
  static String text(InetAddress a) {
    String addr = a.getHostAddress();
    int zone = addr.indexOf('%');
    addr = zone < 0 ? addr : addr.substring(0, zone);
    if (!addr.contains(":")) {
      return addr;
    }
    String[] groups = addr.split(":");
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < groups.length; ) {
      int j = i;
      while (j < groups.length && groups[j].equals("0")) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    if (bestStart < 0) {
      return addr;
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
    return head + "::" + tail;
  }

  /** Whether {@code origin} is one of the configured cross-origin ones (so CORS headers should be added). */
  public boolean isCrossOriginAllowed(String origin) {
    return origin != null && (extra.contains(origin.toLowerCase(Locale.ROOT)) || extra.contains("*"));
  }

  private static int defaultPort(URI uri) {
    return "https".equals(uri.getScheme()) ? 443 : 80;
  }
}
