package io.switchboard.engine;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The immutable limits of an {@link HttpServer}: how many connections it keeps, how fast one address may open them,
 * how long a connection may idle or take to send a request, how large a request head may be, whom to believe about a
 * client's address, and what to do when the process can no longer serve. The defaults suit a server on the open
 * internet; every connection limit and timeout can be turned off with {@code 0} ({@link Duration#ZERO} for timeouts).
 *
 * <pre>{@code
 * HttpServerOptions options = HttpServerOptions.builder()
 *     .maxConnections(50_000)
 *     .trustedProxies("10.0.0.0/8", "::1")          // the load balancers: believe their X-Forwarded-For
 *     .idleTimeout(Duration.ofSeconds(30))
 *     .build();
 * HttpServer http = HttpServer.start(new InetSocketAddress(3000), options, p -> p.addLast(engine.newHandler()));
 *
 * // a load generator's target, where one address opens every connection: no connection limits at all
 * HttpServerOptions bench = HttpServerOptions.builder()
 *     .maxConnections(0).maxConnectionsPerIp(0).connectRatePerIp(0, 0)
 *     .build();
 * }</pre>
 *
 * <p><b>Connection limits.</b> Beyond {@link #maxConnections()} a new connection is closed as soon as it is accepted,
 * before any buffer is spent on it. Beyond {@link #maxConnectionsPerIp()}, or when the address's connect-rate bucket
 * is empty, the connection is kept just long enough to answer its first request {@code 503 Service Unavailable} with
 * {@code Retry-After}, then closed (a client that sends nothing is closed by the idle timeout). The per-address rate
 * is a token bucket: {@link #connectBurstPerIp()} connections at once, refilled at {@link #connectRatePerIp()} a
 * second. The defaults (1,000 connections, burst 1,000, 100 a second) let a large NAT gateway or a corporate proxy
 * reconnect all its users at once after a restart, and a busy one keep opening connections, while one host cannot
 * take more than a tenth of the server nor hold a flood of new connections for long. IPv6 addresses are grouped by
 * their first {@link #ipv6PrefixLength()} bits (default 64: the block a single subscriber gets), since a host that has
 * one IPv6 address usually has billions. The table of per-address state holds at most {@link #maxTrackedAddresses()}
 * entries beyond those with open connections: entries with no connection and a full bucket are dropped once a second,
 * and when the table is full, entries with no connection are dropped first.
 *
 * <p><b>Proxies.</b> {@code X-Forwarded-For} is ignored unless the TCP peer is one of {@link #trustedProxies()}; then
 * the client is the right-most address of that header which is not itself a trusted proxy, and the per-address limits
 * apply to that client when the connection's first request arrives (a proxy that sends requests of several clients
 * over one connection is accounted to the first).
 *
 * <p><b>Timeouts.</b> A connection with no request under way (none sent yet, or between keep-alive requests) is closed
 * after {@link #idleTimeout()}; a response still draining to a reading client counts as activity. A request whose
 * head and body have not fully arrived {@link #requestTimeout()} after its first byte is answered {@code 408 Request
 * Timeout} and the connection closed. A complete request held by the application (a long poll) has no timeout here,
 * and neither has a connection upgraded to WebSocket.
 *
 * <p><b>TLS.</b> With {@link #tls()} the server speaks HTTPS only (see {@link TlsOptions}); the limits above apply
 * to the TCP connection, so the handshake counts toward the idle timeout.
 *
 * <p><b>Fatal errors.</b> When an {@link OutOfMemoryError} (or another {@link VirtualMachineError} but a stack
 * overflow) reaches the server, or its listening socket closes without {@link HttpServer#close()}, the process can no
 * longer be trusted to serve: one ERROR line is logged and {@link #fatalErrorHandler()} is called once. The default,
 * {@link #HALT}, halts the JVM at once with exit status 70, so a supervisor can restart it; see {@link #HALT} for why
 * not {@code System.exit}.
 */
public final class HttpServerOptions {

  /**
   * The default fatal error handler: {@code Runtime.getRuntime().halt(70)} (70 is {@code EX_SOFTWARE}). It does not
   * run shutdown hooks: with the heap exhausted they may fail or hang, and a hook that closes the server from an event
   * loop thread would wait for itself. Logs already written by synchronous appenders are kept; run the JVM with
   * {@code -XX:+ExitOnOutOfMemoryError} as well to cover errors raised where this server cannot see them.
   */
  public static final Consumer<Throwable> HALT = cause -> Runtime.getRuntime().halt(70);

  /** The defaults. */
  public static final HttpServerOptions DEFAULT = builder().build();

  private final int threads;
  private final int maxConnections;
  private final int maxConnectionsPerIp;
  private final double connectRatePerIp;
  private final int connectBurstPerIp;
  private final int maxTrackedAddresses;
  private final int ipv6PrefixLength;
  private final List<String> trustedProxies;
  private final List<IpSubnetFilterRule> trustedProxyRules;
  private final Duration idleTimeout;
  private final Duration requestTimeout;
  private final int maxInitialLineLength;
  private final int maxHeaderSize;
  private final int maxHeaderCount;
  private final Consumer<Throwable> fatalErrorHandler;
  private final TlsOptions tls;

  private HttpServerOptions(Builder b) {
    this.threads = atLeastZero(b.threads, "threads");
    this.maxConnections = atLeastZero(b.maxConnections, "maxConnections");
    this.maxConnectionsPerIp = atLeastZero(b.maxConnectionsPerIp, "maxConnectionsPerIp");
    if (!(b.connectRatePerIp >= 0) || Double.isInfinite(b.connectRatePerIp)) {
      throw new IllegalArgumentException("connectRatePerIp must be finite and at least 0: " + b.connectRatePerIp);
    }
    this.connectRatePerIp = b.connectRatePerIp;
    this.connectBurstPerIp = atLeastZero(b.connectBurstPerIp, "connectBurstPerIp");
    if ((connectRatePerIp == 0) != (connectBurstPerIp == 0)) {
      throw new IllegalArgumentException("connectRatePerIp and connectBurstPerIp are both 0 (off) or both positive");
    }
    if (b.maxTrackedAddresses <= 0) {
      throw new IllegalArgumentException("maxTrackedAddresses must be positive: " + b.maxTrackedAddresses);
    }
    this.maxTrackedAddresses = b.maxTrackedAddresses;
    if (b.ipv6PrefixLength < 1 || b.ipv6PrefixLength > 128) {
      throw new IllegalArgumentException("ipv6PrefixLength must be in 1..128: " + b.ipv6PrefixLength);
    }
    this.ipv6PrefixLength = b.ipv6PrefixLength;
    this.trustedProxies = List.copyOf(b.trustedProxies);
    List<IpSubnetFilterRule> rules = new ArrayList<>();
    for (String proxy : trustedProxies) {
      rules.add(parseRule(proxy));
    }
    this.trustedProxyRules = List.copyOf(rules);
    this.idleTimeout = atLeastZero(b.idleTimeout, "idleTimeout");
    this.requestTimeout = atLeastZero(b.requestTimeout, "requestTimeout");
    this.maxInitialLineLength = atLeastZero(b.maxInitialLineLength, "maxInitialLineLength");
    this.maxHeaderSize = atLeastZero(b.maxHeaderSize, "maxHeaderSize");
    this.maxHeaderCount = atLeastZero(b.maxHeaderCount, "maxHeaderCount");
    this.fatalErrorHandler = Objects.requireNonNull(b.fatalErrorHandler, "fatalErrorHandler");
    this.tls = b.tls;
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration, to change a part of it} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return worker event loops; default 0, Netty's default (twice the cores)} */
  public int threads() {
    return threads;
  }

  /**
   * {@return open connections of the whole server, beyond which a new one is closed on accept; default 10,000, 0 = no
   * limit}
   */
  public int maxConnections() {
    return maxConnections;
  }

  /** {@return open connections of one client address; default 1,000, 0 = no limit} */
  public int maxConnectionsPerIp() {
    return maxConnectionsPerIp;
  }

  /**
   * {@return new connections a second one client address may open, once its burst is spent; default 100, 0 = no limit}
   */
  public double connectRatePerIp() {
    return connectRatePerIp;
  }

  /** {@return new connections one client address may open at once (the bucket size); default 1,000, 0 = no limit} */
  public int connectBurstPerIp() {
    return connectBurstPerIp;
  }

  /**
   * {@return the size of the per-address table beyond which entries of addresses with no open connection are dropped
   * (entries with open connections always stay); default 100,000, about 10 MB}
   */
  public int maxTrackedAddresses() {
    return maxTrackedAddresses;
  }

  /** {@return how many leading bits of an IPv6 address make one client for the per-address limits; default 64} */
  public int ipv6PrefixLength() {
    return ipv6PrefixLength;
  }

  /** {@return the proxies whose {@code X-Forwarded-For} is believed, as addresses or CIDR blocks; default none} */
  public List<String> trustedProxies() {
    return trustedProxies;
  }

  List<IpSubnetFilterRule> trustedProxyRules() {
    return trustedProxyRules;
  }

  /** {@return how long a connection may stay open with no request under way; default 10 s, zero = no limit} */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** {@return how long a request may take to arrive completely, from its first byte; default 10 s, zero = no limit} */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** {@return the longest request line in bytes, beyond which the answer is 414; default 4,096, 0 = no limit} */
  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  /**
   * {@return the most bytes of all header lines of a request, beyond which the answer is 431; default 8,192, 0 = no
   * limit}
   */
  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  /** {@return the most header fields in a request, beyond which the answer is 431; default 100, 0 = no limit} */
  public int maxHeaderCount() {
    return maxHeaderCount;
  }

  /**
   * {@return the handler called once when the server can no longer serve (see the class description); default
   * {@link #HALT}}
   */
  public Consumer<Throwable> fatalErrorHandler() {
    return fatalErrorHandler;
  }

  /**
   * {@return TLS (HTTPS and WSS) and its optional redirect listener, or {@code null} for plain HTTP (the default)}
   */
  public TlsOptions tls() {
    return tls;
  }

  /** Whether the per-address table is needed at all. */
  boolean limitsPerIp() {
    return maxConnectionsPerIp > 0 || connectRatePerIp > 0;
  }

  private static IpSubnetFilterRule parseRule(String proxy) {
    Objects.requireNonNull(proxy, "trusted proxy");
    String text = proxy.strip();
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    // a literal only: a host name would need DNS on every start, and could change under us
    InetAddress ip = NetUtil.createInetAddressFromIpAddressString(address);
    if (ip == null) {
      throw new IllegalArgumentException("trusted proxy is not an IP address or CIDR block: " + proxy);
    }
    int max = ip.getAddress().length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad CIDR prefix in trusted proxy: " + proxy, e);
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException("CIDR prefix out of range in trusted proxy: " + proxy);
      }
    }
    return new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT);
  }

  private static int atLeastZero(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be at least 0: " + value);
    }
    return value;
  }

  private static Duration atLeastZero(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  /** Builds {@link HttpServerOptions}; every setter returns this builder. */
  public static final class Builder {
    private int threads = 0;
    private int maxConnections = 10_000;
    private int maxConnectionsPerIp = 1_000;
    private double connectRatePerIp = 100;
    private int connectBurstPerIp = 1_000;
    private int maxTrackedAddresses = 100_000;
    private int ipv6PrefixLength = 64;
    private List<String> trustedProxies = List.of();
    private Duration idleTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxInitialLineLength = 4_096;
    private int maxHeaderSize = 8_192;
    private int maxHeaderCount = 100;
    private Consumer<Throwable> fatalErrorHandler = HALT;
    private TlsOptions tls;

    private Builder() {}

    private Builder(HttpServerOptions o) {
      threads = o.threads;
      maxConnections = o.maxConnections;
      maxConnectionsPerIp = o.maxConnectionsPerIp;
      connectRatePerIp = o.connectRatePerIp;
      connectBurstPerIp = o.connectBurstPerIp;
      maxTrackedAddresses = o.maxTrackedAddresses;
      ipv6PrefixLength = o.ipv6PrefixLength;
      trustedProxies = o.trustedProxies;
      idleTimeout = o.idleTimeout;
      requestTimeout = o.requestTimeout;
      maxInitialLineLength = o.maxInitialLineLength;
      maxHeaderSize = o.maxHeaderSize;
      maxHeaderCount = o.maxHeaderCount;
      fatalErrorHandler = o.fatalErrorHandler;
      tls = o.tls;
    }

    /**
     * Worker event loops, 0 for Netty's default (twice the cores).
     *
     * @param threads the new value (see {@link HttpServerOptions#threads()})
     * @return this builder
     */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /**
     * Open connections of the whole server; 0 = no limit. Keep it below the process's file descriptor limit.
     *
     * @param maxConnections the new value (see {@link HttpServerOptions#maxConnections()})
     * @return this builder
     */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * Open connections of one client address; 0 = no limit.
     *
     * @param maxConnectionsPerIp the new value (see {@link HttpServerOptions#maxConnectionsPerIp()})
     * @return this builder
     */
    public Builder maxConnectionsPerIp(int maxConnectionsPerIp) {
      this.maxConnectionsPerIp = maxConnectionsPerIp;
      return this;
    }

    /**
     * The connect-rate token bucket of one client address: {@code burst} connections at once, refilled at
     * {@code perSecond}; {@code (0, 0)} turns it off.
     *
     * @param perSecond the new value
     * @param burst the new value
     * @return this builder
     */
    public Builder connectRatePerIp(double perSecond, int burst) {
      this.connectRatePerIp = perSecond;
      this.connectBurstPerIp = burst;
      return this;
    }

    /**
     * The size of the per-address table beyond which entries of addresses with no open connection are dropped.
     *
     * @param maxTrackedAddresses the new value (see {@link HttpServerOptions#maxTrackedAddresses()})
     * @return this builder
     */
    public Builder maxTrackedAddresses(int maxTrackedAddresses) {
      this.maxTrackedAddresses = maxTrackedAddresses;
      return this;
    }

    /**
     * How many leading bits of an IPv6 address make one client (1..128; 128 = each address on its own).
     *
     * @param ipv6PrefixLength the new value (see {@link HttpServerOptions#ipv6PrefixLength()})
     * @return this builder
     */
    public Builder ipv6PrefixLength(int ipv6PrefixLength) {
      this.ipv6PrefixLength = ipv6PrefixLength;
      return this;
    }

    /**
     * The proxies whose {@code X-Forwarded-For} is believed: IP addresses or CIDR blocks, IPv4 or IPv6.
     *
     * @param proxies the new value (see {@link HttpServerOptions#trustedProxies()})
     * @return this builder
     */
    public Builder trustedProxies(String... proxies) {
      return trustedProxies(List.of(proxies));
    }

    /**
     * The proxies whose {@code X-Forwarded-For} is believed: IP addresses or CIDR blocks, IPv4 or IPv6.
     *
     * @param proxies the new value (see {@link HttpServerOptions#trustedProxies()})
     * @return this builder
     */
    public Builder trustedProxies(List<String> proxies) {
      this.trustedProxies = List.copyOf(proxies);
      return this;
    }

    /**
     * How long a connection may stay open with no request under way; zero = no limit.
     *
     * @param idleTimeout the new value (see {@link HttpServerOptions#idleTimeout()})
     * @return this builder
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * How long a request may take to arrive completely, from its first byte; zero = no limit.
     *
     * @param requestTimeout the new value (see {@link HttpServerOptions#requestTimeout()})
     * @return this builder
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * The longest request line in bytes (answered 414 beyond it); 0 = no limit.
     *
     * @param maxInitialLineLength the new value (see {@link HttpServerOptions#maxInitialLineLength()})
     * @return this builder
     */
    public Builder maxInitialLineLength(int maxInitialLineLength) {
      this.maxInitialLineLength = maxInitialLineLength;
      return this;
    }

    /**
     * The most bytes of all header lines together (answered 431 beyond it); 0 = no limit.
     *
     * @param maxHeaderSize the new value (see {@link HttpServerOptions#maxHeaderSize()})
     * @return this builder
     */
    public Builder maxHeaderSize(int maxHeaderSize) {
      this.maxHeaderSize = maxHeaderSize;
      return this;
    }

    /**
     * The most header fields in a request (answered 431 beyond it); 0 = no limit.
     *
     * @param maxHeaderCount the new value (see {@link HttpServerOptions#maxHeaderCount()})
     * @return this builder
     */
    public Builder maxHeaderCount(int maxHeaderCount) {
      this.maxHeaderCount = maxHeaderCount;
      return this;
    }

    /**
     * Called once, on whatever thread saw it, when the server can no longer serve; it receives the error (or
     * an {@link IllegalStateException} when the listening socket closed). Tests record the call instead of exiting.
     *
     * @param fatalErrorHandler the new value (see {@link HttpServerOptions#fatalErrorHandler()})
     * @return this builder
     */
    public Builder fatalErrorHandler(Consumer<Throwable> fatalErrorHandler) {
      this.fatalErrorHandler = fatalErrorHandler;
      return this;
    }

    /**
     * Serves HTTPS (and WSS) with this certificate and settings; sets {@link HttpServerOptions#tls()}.
     *
     * @param tls the TLS settings, or {@code null} for plain HTTP
     * @return this builder
     */
    public Builder tls(TlsOptions tls) {
      this.tls = tls;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws IllegalArgumentException if a value is out of range or a trusted proxy is not an address or CIDR range
     * @throws NullPointerException if a duration or the fatal error handler is null
     */
    public HttpServerOptions build() {
      return new HttpServerOptions(this);
    }
  }
}
