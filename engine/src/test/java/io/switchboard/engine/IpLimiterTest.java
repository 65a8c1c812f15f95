package io.switchboard.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-address table and the X-Forwarded-For walk, with a hand-driven clock. */
class IpLimiterTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private static InetAddress ip(String literal) {
    InetAddress a = NetUtil.createInetAddressFromIpAddressString(literal);
    assertThat(a).as(literal).isNotNull();
    return a;
  }

  private static IpLimiter limiter(HttpServerOptions.Builder b) {
    return new IpLimiter(b.build());
  }

  @Test
  void theCapCountsOpenConnectionsAndAReleaseMakesRoom() {
    IpLimiter limiter = limiter(HttpServerOptions.builder().maxConnectionsPerIp(2).connectRatePerIp(0, 0));
    IpLimiter.Key a = limiter.key(ip("192.0.2.1"));
    assertThat(limiter.acquire(a, 0)).isZero();
    assertThat(limiter.acquire(a, 0)).isZero();
    assertThat(limiter.acquire(a, 0)).isEqualTo(-IpLimiter.CAP_RETRY_AFTER_SECONDS);
    assertThat(limiter.acquire(limiter.key(ip("192.0.2.2")), 0)).isZero();
    limiter.release(a, 0);
    assertThat(limiter.acquire(a, 0)).isZero();
  }

  @Test
  void theBucketAllowsABurstThenRefillsAtTheRate() {
    IpLimiter limiter = limiter(HttpServerOptions.builder().maxConnectionsPerIp(0).connectRatePerIp(2, 3));
    IpLimiter.Key a = limiter.key(ip("192.0.2.1"));
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire(a, 0)).isZero();
    }
    assertThat(limiter.acquire(a, 0)).as("burst spent: wait for one token at 2/s").isEqualTo(1);
    assertThat(limiter.acquire(a, SECOND / 4)).as("half a token").isEqualTo(1);
    assertThat(limiter.acquire(a, SECOND / 2)).isZero();
    assertThat(limiter.acquire(a, SECOND / 2)).isPositive();
    assertThat(limiter.acquire(a, 2 * SECOND)).isZero(); // 1.5 s later: 3 tokens, capped at the burst
    assertThat(limiter.acquire(a, 2 * SECOND)).isZero();
    assertThat(limiter.acquire(a, 2 * SECOND)).isZero();
    assertThat(limiter.acquire(a, 2 * SECOND)).isPositive();
  }

  @Test
  void retryAfterSaysHowLongUntilTheNextToken() {
    IpLimiter limiter = limiter(HttpServerOptions.builder().connectRatePerIp(0.1, 1));
    IpLimiter.Key a = limiter.key(ip("192.0.2.1"));
    assertThat(limiter.acquire(a, 0)).isZero();
    assertThat(limiter.acquire(a, 0)).isEqualTo(10);
    assertThat(limiter.acquire(a, 4 * SECOND)).isEqualTo(6);
  }

  @Test
  void anEntryIsDroppedWhenItHasNoConnectionAndAFullBucket() {
    IpLimiter limiter = limiter(HttpServerOptions.builder().connectRatePerIp(10, 10));
    IpLimiter.Key a = limiter.key(ip("192.0.2.1"));
    assertThat(limiter.acquire(a, 0)).isZero();
    limiter.release(a, SECOND / 100); // the bucket is not full yet
    assertThat(limiter.size()).isEqualTo(1);
    limiter.sweep(SECOND / 20);
    assertThat(limiter.size()).isEqualTo(1);
    limiter.sweep(SECOND / 10);
    assertThat(limiter.size()).isZero();

    assertThat(limiter.acquire(a, SECOND)).isZero();
    limiter.release(a, 2 * SECOND); // full again when the last connection closes: dropped at once
    assertThat(limiter.size()).isZero();
  }

  @Test
  void aFullTableDropsIdleEntriesButNeverOnesWithConnections() {
    IpLimiter limiter = limiter(HttpServerOptions.builder().maxTrackedAddresses(10).connectRatePerIp(0.001, 5));
    IpLimiter.Key held = limiter.key(ip("198.51.100.1"));
    assertThat(limiter.acquire(held, 0)).isZero();
    for (int i = 0; i < 100; i++) {
      IpLimiter.Key k = limiter.key(ip("192.0.2." + i));
      assertThat(limiter.acquire(k, 0)).isZero();
      limiter.release(k, 0);
      assertThat(limiter.size()).isLessThanOrEqualTo(10);
    }
    // the held address is still counted: releasing it keeps the count right
    limiter.release(held, 0);
    assertThat(limiter.acquire(held, 0)).isZero();
  }

  @Test
  void ipv6AddressesAreGroupedByPrefixAndIpv4IsNeverConfusedWithThem() {
    IpLimiter limiter = limiter(HttpServerOptions.builder());
    assertThat(limiter.key(ip("2001:db8:1:2::1"))).isEqualTo(limiter.key(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")));
    assertThat(limiter.key(ip("2001:db8:1:2::1"))).isNotEqualTo(limiter.key(ip("2001:db8:1:3::1")));
    assertThat(limiter.key(ip("::ffff:192.0.2.1"))).isEqualTo(limiter.key(ip("192.0.2.1")));
    assertThat(limiter.key(ip("::"))).isNotEqualTo(limiter.key(ip("0.0.0.0")));

    IpLimiter perAddress = limiter(HttpServerOptions.builder().ipv6PrefixLength(128));
    assertThat(perAddress.key(ip("2001:db8::1"))).isNotEqualTo(perAddress.key(ip("2001:db8::2")));
    IpLimiter wide = limiter(HttpServerOptions.builder().ipv6PrefixLength(48));
    assertThat(wide.key(ip("2001:db8:1:2::1"))).isEqualTo(wide.key(ip("2001:db8:1:3::1")));
    assertThat(wide.key(ip("2001:db8:1:2::1"))).isNotEqualTo(wide.key(ip("2001:db8:2:2::1")));
  }

  @Test
  void theClientIsTheRightMostAddressThatIsNotATrustedProxy() {
    ForwardedFor proxies = new ForwardedFor(HttpServerOptions.builder()
        .trustedProxies("10.0.0.0/8", "2001:db8:ffff::/48", "192.0.2.7").build().trustedProxyRules());
    InetAddress peer = ip("10.1.2.3");
    assertThat(proxies.client(peer, List.of("203.0.113.5"))).isEqualTo(ip("203.0.113.5"));
    assertThat(proxies.client(peer, List.of("6.6.6.6, 203.0.113.5, 10.9.9.9"))).isEqualTo(ip("203.0.113.5"));
    assertThat(proxies.client(peer, List.of("6.6.6.6", "203.0.113.5,192.0.2.7"))).isEqualTo(ip("203.0.113.5"));
    assertThat(proxies.client(peer, List.of("203.0.113.5:4711"))).isEqualTo(ip("203.0.113.5"));
    assertThat(proxies.client(peer, List.of("[2001:db8::5]:4711, 2001:db8:ffff:1::1")))
        .isEqualTo(ip("2001:db8::5"));
    assertThat(proxies.client(peer, List.of("2001:db8::5"))).isEqualTo(ip("2001:db8::5"));
    // all trusted: the left-most is as far as we can see
    assertThat(proxies.client(peer, List.of("10.0.0.1, 10.0.0.2"))).isEqualTo(ip("10.0.0.1"));
    // no header: the proxy itself
    assertThat(proxies.client(peer, List.of())).isEqualTo(peer);
    // garbage (or a name: no DNS) stops the walk at the last proxy that handed the request on
    assertThat(proxies.client(peer, List.of("6.6.6.6, unknown"))).isEqualTo(peer);
    assertThat(proxies.client(peer, List.of("evil.example, 10.0.0.9"))).isEqualTo(ip("10.0.0.9"));
    assertThat(proxies.client(peer, List.of(" , 203.0.113.5"))).isEqualTo(ip("203.0.113.5"));
  }

  @Test
  void trustedProxiesMustBeLiteralAddressesOrBlocks() {
    assertThat(HttpServerOptions.builder().trustedProxies("127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8").build()
        .trustedProxyRules()).hasSize(4);
    assertThatThrownBy(() -> HttpServerOptions.builder().trustedProxies("localhost").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpServerOptions.builder().trustedProxies("10.0.0.0/33").build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpServerOptions.builder().trustedProxies("10.0.0.0/x").build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsRefuseNonsense() {
    assertThatThrownBy(() -> HttpServerOptions.builder().maxConnections(-1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpServerOptions.builder().connectRatePerIp(1, 0).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpServerOptions.builder().connectRatePerIp(Double.NaN, 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpServerOptions.builder().idleTimeout(java.time.Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HttpServerOptions.builder().ipv6PrefixLength(0).build())
        .isInstanceOf(IllegalArgumentException.class);
    HttpServerOptions d = HttpServerOptions.DEFAULT;
    assertThat(d.toBuilder().build().maxConnections()).isEqualTo(10_000);
    assertThat(d.maxConnectionsPerIp()).isEqualTo(1_000);
    assertThat(d.connectBurstPerIp()).isEqualTo(1_000);
    assertThat(d.connectRatePerIp()).isEqualTo(100);
    assertThat(d.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(d.requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(d.trustedProxies()).isEmpty();
    assertThat(d.fatalErrorHandler()).isSameAs(HttpServerOptions.HALT);
  }
}
