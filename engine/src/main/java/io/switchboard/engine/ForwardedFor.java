package io.switchboard.engine;

import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Finds a request's client behind trusted proxies from {@code X-Forwarded-For}: walking from the right (the hop
 * nearest to us), each address a trusted proxy added is believed, and the first address that is not a trusted proxy is
 * the client. Anything to its left was written by the client and is ignored.
 *
 * <pre>{@code
 * ForwardedFor proxies = new ForwardedFor(options.trustedProxyRules());     // 10.0.0.0/8
 * proxies.client(peer10_0_0_5, List.of("6.6.6.6, 203.0.113.7, 10.0.0.9"));  // 203.0.113.7
 * }</pre>
 *
 * <p>Only literal addresses are read (no DNS); an entry may carry a port ({@code 203.0.113.7:5555},
 * {@code [2001:db8::1]:5555}). An entry that is not an address ends the walk: the client is then the last proxy that
 * handed the request on, so malformed headers share that proxy's limits rather than escaping them.
 */
final class ForwardedFor {
  private final List<IpSubnetFilterRule> trusted;

  ForwardedFor(List<IpSubnetFilterRule> trusted) {
    this.trusted = trusted;
  }

  /** Whether there are trusted proxies at all. */
  boolean enabled() {
    return !trusted.isEmpty();
  }

  /** Whether this address is a trusted proxy. */
  boolean isTrusted(InetAddress address) {
    if (trusted.isEmpty()) {
      return false;
    }
    InetSocketAddress socketAddress = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule rule : trusted) {
      if (rule.matches(socketAddress)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client of a request that came from {@code peer}, a trusted proxy, with these {@code X-Forwarded-For} header
   * values in the order received.
   */
  InetAddress client(InetAddress peer, List<String> forwardedFor) {
    InetAddress client = peer;
    for (int v = forwardedFor.size() - 1; v >= 0; v--) {
      String value = forwardedFor.get(v);
      int end = value.length();
      while (end > 0) {
        int comma = value.lastIndexOf(',', end - 1);
        InetAddress hop = parse(value, comma + 1, end);
        if (hop == null) {
          return client;
        }
        client = hop;
        if (!isTrusted(hop)) {
          return hop;
        }
        end = comma < 0 ? 0 : comma;
      }
    }
    return client;
  }

  /** The address in {@code s[from, to)}, trimmed, without brackets or port; {@code null} when it is not one. */
  static InetAddress parse(String s, int from, int to) {
    while (from < to && isSpace(s.charAt(from))) {
      from++;
    }
    while (to > from && isSpace(s.charAt(to - 1))) {
      to--;
    }
    if (from == to) {
      return null;
    }
    if (s.charAt(from) == '[') {
      int close = s.indexOf(']', from);
      if (close < 0 || close >= to) {
        return null;
      }
      from++;
      to = close;
    } else {
      int colon = s.indexOf(':', from);
      if (colon >= 0 && colon < to) {
        int next = s.indexOf(':', colon + 1);
        if (next < 0 || next >= to) {
          to = colon; // a single colon: IPv4 with a port
        }
      }
    }
    return NetUtil.createInetAddressFromIpAddressString(s.substring(from, to));
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }
}
