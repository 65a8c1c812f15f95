package io.switchboard.bench.attack;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hard check that keeps the attack tool on this machine: only {@code 127.0.0.0/8}, {@code ::1} and the name
 * {@code localhost} (when it resolves to one of those) are accepted; every other name is refused without a DNS lookup.
 *
 * <pre>{@code
 * InetAddress a = Loopback.resolve("127.0.0.1");   // fine
 * Loopback.resolve("10.0.0.5");                     // IllegalArgumentException
 * }</pre>
 */
final class Loopback {
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  /** Starts with a hex digit or a colon, so that InetAddress parses it as a literal and never looks it up. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%\\w+)?");
  private static final byte[] IPV6_LOOPBACK = new byte[16];

  static {
    IPV6_LOOPBACK[15] = 1;
  }

  private Loopback() {}

  /**
   * The loopback address {@code host} names.
   *
   * @throws IllegalArgumentException if {@code host} is not a loopback literal or {@code localhost}
   */
  static InetAddress resolve(String host) {
    String h = host.trim();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    InetAddress a;
    try {
      if (h.equalsIgnoreCase("localhost")) {
        for (InetAddress x : InetAddress.getAllByName("localhost")) {
          if (isLoopback(x)) {
            return x;
          }
        }
        throw refused(host);
      }
      Matcher m = IPV4.matcher(h);
      if (m.matches()) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          int v = Integer.parseInt(m.group(i + 1));
          if (v > 255) {
            throw refused(host);
          }
          b[i] = (byte) v;
        }
        a = InetAddress.getByAddress(b);
      } else if (IPV6.matcher(h).matches()) {
        a = InetAddress.getByName(h); // an IPv6 literal: parsed, never looked up
      } else {
        throw refused(host);
      }
    } catch (UnknownHostException e) {
      throw refused(host);
    }
    if (!isLoopback(a)) {
      throw refused(host);
    }
    return a;
  }

  /** Whether {@code a} is in 127.0.0.0/8 or is ::1. */
  static boolean isLoopback(InetAddress a) {
    if (a instanceof Inet4Address) {
      return (a.getAddress()[0] & 0xff) == 127;
    }
    if (a instanceof Inet6Address) {
      return java.util.Arrays.equals(a.getAddress(), IPV6_LOOPBACK);
    }
    return false;
  }

  private static IllegalArgumentException refused(String host) {
    return new IllegalArgumentException(
        "the attack tool targets this machine only (127.0.0.0/8, ::1 or localhost), not " + host);
  }
}
