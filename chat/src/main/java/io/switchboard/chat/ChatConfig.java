package io.switchboard.chat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings a deployment of the chat application changes, read from command-line flags and environment variables.
 *
 * <pre>{@code
 * ChatConfig config = ChatConfig.parse(new String[] {"--port", "8080"}, System.getenv());
 * ChatConfig forTests = ChatConfig.builder().port(0).dataDir(tempDir).build();
 * }</pre>
 *
 * <p>A flag wins over its environment variable ({@code --port} over {@code PORT}, {@code --database-url} over
 * {@code DATABASE_URL}, {@code --redis} over {@code REDIS_URL}, {@code --jwt-secret} over {@code JWT_SECRET},
 * {@code --data-dir} over {@code DATA_DIR}, {@code --host} over {@code HOST}, {@code --allowed-origins} over
 * {@code ALLOWED_ORIGINS}, {@code --sse-streams-per-user} over {@code SSE_STREAMS_PER_USER},
 * {@code --sse-streams-per-ip} over {@code SSE_STREAMS_PER_IP}, {@code --sse-max-buffer} over {@code SSE_MAX_BUFFER},
 * {@code --connect-timeout} over {@code CONNECT_TIMEOUT}, {@code --flood-limit} over {@code FLOOD_LIMIT}).
 *
 * @param host           the address to listen on
 * @param port           the port to listen on, 0 for a free one
 * @param dataDir        where the embedded database and the generated signing secret live
 * @param databaseUrl    a JDBC URL; empty means the embedded H2 file under {@code dataDir}
 * @param redisUrl       a {@code redis://} URL to join a cluster through the Redis adapter; empty for one node
 * @param redisKey       the prefix of the cluster's Redis keys and channels; nodes of one service share it
 * @param redisPubSub    whether the cluster uses the pub/sub Redis adapter (no recovery across nodes) rather than
 *                       the Redis Streams adapter with connection state recovery (the default)
 * @param jwtSecret      the HS256 signing secret; empty means generated once and kept in {@code dataDir}
 * @param allowedOrigins origins allowed besides the page's own (CORS for the REST and SSE routes)
 * @param tokenLifetime  how long a signed-in token is valid
 * @param sseHeartbeat   how often an idle Server-Sent Events stream gets a comment line
 * @param sseStreamsPerUser the most Server-Sent Events streams one user holds open on this node at once; default 5
 * @param sseStreamsPerIp   the most Server-Sent Events streams one client address holds open on this node; default
 *                          20 (behind a reverse proxy every client has the proxy's address: raise it there)
 * @param sseMaxBuffer   the most bytes a stream may have waiting for a reader that does not keep up before it is
 *                       dropped; default 1 MiB
 * @param trustedProxies the reverse proxies (addresses or CIDR blocks) whose {@code X-Forwarded-For} names the
 *                       client, for the per-address limits; empty: none
 * @param connectTimeout how long a Socket.IO connection may stay without joining the namespace; empty for the
 *                       library's default
 * @param floodLimit     the most messages (room and private) one user may send per second, across their tabs (and,
 *                       with Redis, across the nodes); default 10
 * @param timing         the time limits of real-time events (private acks, typing, token warnings)
 * @param metricsPort    the management port serving {@code GET /metrics} (Prometheus text), 0 for a free one;
 *                       empty: no metrics endpoint (the default). Never the public port.
 * @param metricsHost    the address of the management port; default {@code 127.0.0.1}
 */
public record ChatConfig(
    String host,
    int port,
    Path dataDir,
    Optional<String> databaseUrl,
    Optional<String> redisUrl,
    String redisKey,
    boolean redisPubSub,
    Optional<String> jwtSecret,
    List<String> allowedOrigins,
    Duration tokenLifetime,
    Duration sseHeartbeat,
    int sseStreamsPerUser,
    int sseStreamsPerIp,
    int sseMaxBuffer,
    List<String> trustedProxies,
    Optional<Duration> connectTimeout,
    int floodLimit,
    ChatTiming timing,
    Optional<Integer> metricsPort,
    String metricsHost) {

  /** The usage text printed for {@code --help} and for a bad flag. */
  public static final String USAGE = String.join("\n",
      "Usage: java -jar switchboard-chat.jar [options]",
      "  --port N              port to listen on (env PORT, default 3000)",
      "  --host ADDR           address to listen on (env HOST, default 0.0.0.0)",
      "  --database-url URL    JDBC URL; jdbc:postgresql://... switches to PostgreSQL",
      "                        (env DATABASE_URL, default an H2 file under the data directory)",
      "  --redis URL           redis://host:port to join a cluster (env REDIS_URL)",
      "  --redis-key K         prefix of the cluster's Redis keys (env REDIS_KEY, default switchboard-chat)",
      "  --redis-adapter A     streams (default: a client of a node that died recovers on another one)",
      "                        or pubsub (env REDIS_ADAPTER)",
      "  --jwt-secret S        token signing secret (env JWT_SECRET, default generated once in the data directory)",
      "  --data-dir DIR        data directory (env DATA_DIR, default ./data)",
      "  --allowed-origins L   comma-separated extra origins for CORS (env ALLOWED_ORIGINS)",
      "  --sse-streams-per-user N  most open event streams of one user (env SSE_STREAMS_PER_USER, default 5)",
      "  --sse-streams-per-ip N    most open event streams of one client address (env SSE_STREAMS_PER_IP, default 20)",
      "  --sse-max-buffer BYTES    unsent bytes after which a slow event stream is dropped",
      "                        (env SSE_MAX_BUFFER, default 1048576)",
      "  --trusted-proxies L   comma-separated proxy addresses or CIDR blocks whose X-Forwarded-For is believed",
      "                        (env TRUSTED_PROXIES, default none)",
      "  --connect-timeout T   time to join the Socket.IO namespace, e.g. 10s or 500ms",
      "                        (env CONNECT_TIMEOUT, default the library's)",
      "  --flood-limit N       most messages one user sends per second (env FLOOD_LIMIT, default 10)",
      "  --metrics-port N      serve GET /metrics (Prometheus) on this management port (env METRICS_PORT,",
      "                        default none: no metrics endpoint)",
      "  --metrics-host ADDR   address of the management port (env METRICS_HOST, default 127.0.0.1)");

  public ChatConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(databaseUrl, "databaseUrl");
    Objects.requireNonNull(redisUrl, "redisUrl");
    Objects.requireNonNull(redisKey, "redisKey");
    Objects.requireNonNull(jwtSecret, "jwtSecret");
    allowedOrigins = List.copyOf(allowedOrigins);
    trustedProxies = List.copyOf(trustedProxies);
    Objects.requireNonNull(tokenLifetime, "tokenLifetime");
    Objects.requireNonNull(sseHeartbeat, "sseHeartbeat");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(metricsPort, "metricsPort");
    Objects.requireNonNull(metricsHost, "metricsHost");
    if (metricsPort.isPresent() && (metricsPort.get() < 0 || metricsPort.get() > 65535)) {
      throw new IllegalArgumentException("metricsPort must be 0..65535, was " + metricsPort.get());
    }
    if (metricsPort.isPresent() && metricsPort.get() != 0 && metricsPort.get() == port) {
      throw new IllegalArgumentException("the metrics port must not be the public port " + port);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
      throw new IllegalArgumentException("tokenLifetime must be positive");
    }
    if (sseHeartbeat.isNegative() || sseHeartbeat.isZero()) {
      throw new IllegalArgumentException("sseHeartbeat must be positive");
    }
    if (sseStreamsPerUser < 1 || sseStreamsPerIp < 1) {
      throw new IllegalArgumentException("the event stream limits must be at least 1");
    }
    if (sseMaxBuffer < 1024) {
      throw new IllegalArgumentException("sseMaxBuffer must be at least 1024 bytes, was " + sseMaxBuffer);
    }
    if (connectTimeout.isPresent() && (connectTimeout.get().isNegative() || connectTimeout.get().isZero())) {
      throw new IllegalArgumentException("connectTimeout must be positive");
    }
    if (floodLimit < 1) {
      throw new IllegalArgumentException("floodLimit must be at least 1, was " + floodLimit);
    }
    if (jwtSecret.isPresent() && jwtSecret.get().length() < 32) {
      throw new IllegalArgumentException("the JWT secret must be at least 32 characters");
    }
  }

  /** The defaults: port 3000 on all addresses, ./data, embedded database, generated secret, 1 h tokens. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this configuration's values. */
  public Builder toBuilder() {
    return new Builder()
        .host(host).port(port).dataDir(dataDir)
        .databaseUrl(databaseUrl.orElse(null)).redisUrl(redisUrl.orElse(null)).redisKey(redisKey).redisPubSub(redisPubSub)
        .jwtSecret(jwtSecret.orElse(null))
        .allowedOrigins(allowedOrigins).tokenLifetime(tokenLifetime).sseHeartbeat(sseHeartbeat)
        .sseStreamsPerUser(sseStreamsPerUser).sseStreamsPerIp(sseStreamsPerIp).sseMaxBuffer(sseMaxBuffer)
        .trustedProxies(trustedProxies).connectTimeout(connectTimeout.orElse(null)).floodLimit(floodLimit)
        .timing(timing).metricsPort(metricsPort.orElse(null)).metricsHost(metricsHost);
  }

  /** Whether the database is PostgreSQL rather than the embedded H2 file. */
  public boolean usesPostgres() {
    return databaseUrl.map(u -> u.startsWith("jdbc:postgresql:")).orElse(false);
  }

  /**
   * Reads flags ({@code --name value} or {@code --name=value}) over environment variables over defaults.
   *
   * @throws IllegalArgumentException for an unknown flag, a flag without a value, or a bad value
   */
  public static ChatConfig parse(String[] args, Map<String, String> env) {
    Builder b = builder();
    env(env, "PORT").ifPresent(v -> b.port(parsePort(v)));
    env(env, "HOST").ifPresent(b::host);
    env(env, "METRICS_PORT").ifPresent(v -> b.metricsPort(parsePort(v)));
    env(env, "METRICS_HOST").ifPresent(b::metricsHost);
    env(env, "DATA_DIR").ifPresent(v -> b.dataDir(Path.of(v)));
    env(env, "DATABASE_URL").ifPresent(b::databaseUrl);
    env(env, "REDIS_URL").ifPresent(b::redisUrl);
    env(env, "REDIS_KEY").ifPresent(b::redisKey);
    env(env, "REDIS_ADAPTER").ifPresent(v -> b.redisPubSub(parseRedisAdapter(v)));
    env(env, "JWT_SECRET").ifPresent(b::jwtSecret);
    env(env, "ALLOWED_ORIGINS").ifPresent(v -> b.allowedOrigins(splitList(v)));
    env(env, "TRUSTED_PROXIES").ifPresent(v -> b.trustedProxies(splitList(v)));
    env(env, "SSE_STREAMS_PER_USER").ifPresent(v -> b.sseStreamsPerUser(parseCount("SSE_STREAMS_PER_USER", v)));
    env(env, "SSE_STREAMS_PER_IP").ifPresent(v -> b.sseStreamsPerIp(parseCount("SSE_STREAMS_PER_IP", v)));
    env(env, "SSE_MAX_BUFFER").ifPresent(v -> b.sseMaxBuffer(parseCount("SSE_MAX_BUFFER", v)));
    env(env, "CONNECT_TIMEOUT").ifPresent(v -> b.connectTimeout(parseDuration("CONNECT_TIMEOUT", v)));
    env(env, "FLOOD_LIMIT").ifPresent(v -> b.floodLimit(parseCount("FLOOD_LIMIT", v)));
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!name.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        value = args[++i];
      }
      switch (name) {
        case "--port" -> b.port(parsePort(value));
        case "--host" -> b.host(value);
        case "--metrics-port" -> b.metricsPort(parsePort(value));
        case "--metrics-host" -> b.metricsHost(value);
        case "--data-dir" -> b.dataDir(Path.of(value));
        case "--database-url" -> b.databaseUrl(value);
        case "--redis" -> b.redisUrl(value);
        case "--redis-key" -> b.redisKey(value);
        case "--redis-adapter" -> b.redisPubSub(parseRedisAdapter(value));
        case "--jwt-secret" -> b.jwtSecret(value);
        case "--allowed-origins" -> b.allowedOrigins(splitList(value));
        case "--trusted-proxies" -> b.trustedProxies(splitList(value));
        case "--sse-streams-per-user" -> b.sseStreamsPerUser(parseCount(name, value));
        case "--sse-streams-per-ip" -> b.sseStreamsPerIp(parseCount(name, value));
        case "--sse-max-buffer" -> b.sseMaxBuffer(parseCount(name, value));
        case "--connect-timeout" -> b.connectTimeout(parseDuration(name, value));
        case "--flood-limit" -> b.floodLimit(parseCount(name, value));
        default -> throw new IllegalArgumentException("unknown flag: " + name);
      }
    }
    return b.build();
  }

  private static Optional<String> env(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  private static boolean parseRedisAdapter(String value) {
    return switch (value.trim()) {
      case "streams" -> false;
      case "pubsub" -> true;
      default -> throw new IllegalArgumentException("--redis-adapter is streams or pubsub, not " + value);
    };
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a port number: " + value);
    }
  }

  private static int parseCount(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a whole number, was " + value);
    }
  }

  /** {@code 500ms}, {@code 10s}, or a plain number of seconds. */
  private static Duration parseDuration(String name, String value) {
    String v = value.trim();
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      return Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a duration such as 10s or 500ms, was " + value);
    }
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** Builds a {@link ChatConfig}; every setter has a default. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 3000;
    private Path dataDir = Path.of("data");
    private String databaseUrl;
    private String redisUrl;
    private String redisKey = "switchboard-chat";
    private boolean redisPubSub;
    private String jwtSecret;
    private List<String> allowedOrigins = List.of();
    private Duration tokenLifetime = Duration.ofHours(1);
    private Duration sseHeartbeat = Duration.ofSeconds(15);
    private int sseStreamsPerUser = 5;
    private int sseStreamsPerIp = 20;
    private int sseMaxBuffer = 1 << 20;
    private List<String> trustedProxies = List.of();
    private Duration connectTimeout;
    private int floodLimit = 10;
    private Integer metricsPort;
    private String metricsHost = "127.0.0.1";
    private ChatTiming timing = ChatTiming.DEFAULT;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** A JDBC URL, or {@code null} for the embedded database. */
    public Builder databaseUrl(String databaseUrl) {
      this.databaseUrl = databaseUrl;
      return this;
    }

    /** A {@code redis://} URL, or {@code null} for a single node. */
    public Builder redisUrl(String redisUrl) {
      this.redisUrl = redisUrl;
      return this;
    }

    /** The prefix of the cluster's Redis channels. */
    public Builder redisKey(String redisKey) {
      this.redisKey = redisKey;
      return this;
    }

    /** Whether the cluster uses the pub/sub adapter instead of the streams adapter with recovery. */
    public Builder redisPubSub(boolean redisPubSub) {
      this.redisPubSub = redisPubSub;
      return this;
    }

    /** The signing secret, or {@code null} to generate one once and keep it in the data directory. */
    public Builder jwtSecret(String jwtSecret) {
      this.jwtSecret = jwtSecret;
      return this;
    }

    public Builder allowedOrigins(List<String> allowedOrigins) {
      this.allowedOrigins = allowedOrigins;
      return this;
    }

    public Builder tokenLifetime(Duration tokenLifetime) {
      this.tokenLifetime = tokenLifetime;
      return this;
    }

    public Builder sseHeartbeat(Duration sseHeartbeat) {
      this.sseHeartbeat = sseHeartbeat;
      return this;
    }

    /** The most event streams one user holds open on this node at once. */
    public Builder sseStreamsPerUser(int sseStreamsPerUser) {
      this.sseStreamsPerUser = sseStreamsPerUser;
      return this;
    }

    /** The most event streams one client address holds open on this node at once. */
    public Builder sseStreamsPerIp(int sseStreamsPerIp) {
      this.sseStreamsPerIp = sseStreamsPerIp;
      return this;
    }

    /** How many unsent bytes a stream may pile up for a reader that does not keep up before it is dropped. */
    public Builder sseMaxBuffer(int sseMaxBuffer) {
      this.sseMaxBuffer = sseMaxBuffer;
      return this;
    }

    /** The reverse proxies whose {@code X-Forwarded-For} is believed (addresses or CIDR blocks). */
    public Builder trustedProxies(List<String> trustedProxies) {
      this.trustedProxies = trustedProxies;
      return this;
    }

    /** How long a Socket.IO connection may stay out of the namespace, or {@code null} for the library's default. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** The most messages one user may send per second. */
    public Builder floodLimit(int floodLimit) {
      this.floodLimit = floodLimit;
      return this;
    }

    /** The management port of {@code GET /metrics}, 0 for a free one, or {@code null} for none. */
    public Builder metricsPort(Integer port) {
      this.metricsPort = port;
      return this;
    }

    /** The address of the management port. */
    public Builder metricsHost(String host) {
      this.metricsHost = host;
      return this;
    }

    public Builder timing(ChatTiming timing) {
      this.timing = timing;
      return this;
    }

    public ChatConfig build() {
      return new ChatConfig(host, port, dataDir, Optional.ofNullable(databaseUrl), Optional.ofNullable(redisUrl), redisKey,
          redisPubSub, Optional.ofNullable(jwtSecret), allowedOrigins, tokenLifetime, sseHeartbeat, sseStreamsPerUser,
          sseStreamsPerIp, sseMaxBuffer, trustedProxies, Optional.ofNullable(connectTimeout), floodLimit, timing,
          Optional.ofNullable(metricsPort), metricsHost);
    }
  }
}
