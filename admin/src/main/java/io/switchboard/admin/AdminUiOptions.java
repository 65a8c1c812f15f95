package io.switchboard.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The options of {@link AdminUi}, those of the reference's {@code instrument(io, opts)}: the admin namespace, the
 * authentication, read-only mode, the server id and the mode.
 *
 * <pre>{@code
 * AdminUiOptions opts = AdminUiOptions.builder()
 *     .auth("admin", "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS")   // a bcrypt hash
 *     .mode(AdminUiOptions.Mode.PRODUCTION)
 *     .build();
 * }</pre>
 *
 * <p>{@link #DEFAULT}: namespace {@code /admin}, no authentication decided ({@link AdminUi#instrument} refuses it:
 * call {@link Builder#auth} or {@link Builder#noAuth}, as the reference requires {@code auth} or {@code auth: false}),
 * not read-only, the server id {@code null} (the host name), development mode, stats every 2 s, the UI served at
 * {@code /admin/}, at most 10,000 remembered sessions of 24 h.
 */
public final class AdminUiOptions {
  /** The defaults (authentication still to be chosen). */
  public static final AdminUiOptions DEFAULT = builder().build();

  private static final Pattern BCRYPT = Pattern.compile("^\\$2[abxy]?\\$(\\d\\d)\\$[./A-Za-z0-9]{53}$");

  /** What the UI is sent: every event ({@code development}) or only aggregated counts ({@code production}). */
  public enum Mode {
    /** Sockets, rooms and every event received and sent, as they happen; the UI's sockets and events pages work. */
    DEVELOPMENT,
    /** Only the periodic server stats with aggregated counts: cheaper, and nothing of the sockets' data leaves. */
    PRODUCTION
  }

  /**
   * Basic authentication: the user name and a bcrypt hash of the password ({@code $2a$}, {@code $2b$} or {@code $2y$},
   * as {@code bcryptjs} and {@code htpasswd -B} make).
   */
  public record BasicAuth(String username, String passwordHash) {
    public BasicAuth {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(passwordHash, "passwordHash");
      if (!BCRYPT.matcher(passwordHash).matches()) {
        throw new IllegalArgumentException("the password must be a valid bcrypt hash");
      }
    }

    @Override
    public String toString() {
      return "BasicAuth[" + username + "]";
    }
  }

  private final String namespaceName;
  private final BasicAuth auth;
  private final boolean authDecided;
  private final boolean readonly;
  private final String serverId;
  private final Mode mode;
  private final Duration statsInterval;
  private final String uiPath;
  private final int maxSessions;
  private final Duration sessionDuration;

  private AdminUiOptions(Builder b) {
    this.namespaceName = b.namespaceName;
    this.auth = b.auth;
    this.authDecided = b.authDecided;
    this.readonly = b.readonly;
    this.serverId = b.serverId;
    this.mode = b.mode;
    this.statsInterval = b.statsInterval;
    this.uiPath = b.uiPath;
    this.maxSessions = b.maxSessions;
    this.sessionDuration = b.sessionDuration;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The admin namespace, default {@code /admin}. */
  public String namespaceName() {
    return namespaceName;
  }

  /** The basic authentication, or {@code null} when there is none (see {@link #authDecided()}). */
  public BasicAuth auth() {
    return auth;
  }

  /** Whether {@link Builder#auth} or {@link Builder#noAuth} was called. */
  public boolean authDecided() {
    return authDecided;
  }

  /** Whether the UI may only look (no emit, join, leave or disconnect), default false. */
  public boolean readonly() {
    return readonly;
  }

  /** The id this server shows in the UI, or {@code null} for the host name. */
  public String serverId() {
    return serverId;
  }

  /** Development (every event) or production (aggregated counts only); default development, as the reference. */
  public Mode mode() {
    return mode;
  }

  /** How often this server sends its stats, default 2 s (the reference's fixed interval). */
  public Duration statsInterval() {
    return statsInterval;
  }

  /** The HTTP path of the served UI, ending with {@code /}, default {@code /admin/}; {@code null} serves none. */
  public String uiPath() {
    return uiPath;
  }

  /** How many signed-in sessions are remembered (the oldest is forgotten past it), default 10,000. */
  public int maxSessions() {
    return maxSessions;
  }

  /** How long a signed-in session lets the UI reconnect without the password, default 24 h. */
  public Duration sessionDuration() {
    return sessionDuration;
  }

  @Override
  public String toString() {
    return "AdminUiOptions{namespace=" + namespaceName + ", auth=" + (auth == null ? "none" : auth)
        + ", readonly=" + readonly + ", serverId=" + serverId + ", mode=" + mode + ", uiPath=" + uiPath + "}";
  }

  /** Builds {@link AdminUiOptions}. */
  public static final class Builder {
    private String namespaceName = "/admin";
    private BasicAuth auth;
    private boolean authDecided;
    private boolean readonly;
    private String serverId;
    private Mode mode = Mode.DEVELOPMENT;
    private Duration statsInterval = Duration.ofSeconds(2);
    private String uiPath = "/admin/";
    private int maxSessions = 10_000;
    private Duration sessionDuration = Duration.ofHours(24);

    private Builder() {}

    private Builder(AdminUiOptions o) {
      namespaceName = o.namespaceName;
      auth = o.auth;
      authDecided = o.authDecided;
      readonly = o.readonly;
      serverId = o.serverId;
      mode = o.mode;
      statsInterval = o.statsInterval;
      uiPath = o.uiPath;
      maxSessions = o.maxSessions;
      sessionDuration = o.sessionDuration;
    }

    public Builder namespaceName(String namespaceName) {
      Objects.requireNonNull(namespaceName, "namespaceName");
      this.namespaceName = namespaceName.startsWith("/") ? namespaceName : "/" + namespaceName;
      return this;
    }

    /** Basic authentication with this user name and bcrypt hash of the password. */
    public Builder auth(String username, String bcryptHash) {
      this.auth = new BasicAuth(username, bcryptHash);
      this.authDecided = true;
      return this;
    }

    /** No authentication: anyone who reaches the namespace is admin (the reference's {@code auth: false}). */
    public Builder noAuth() {
      this.auth = null;
      this.authDecided = true;
      return this;
    }

    public Builder readonly(boolean readonly) {
      this.readonly = readonly;
      return this;
    }

    public Builder serverId(String serverId) {
      this.serverId = serverId;
      return this;
    }

    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder statsInterval(Duration statsInterval) {
      if (statsInterval.isNegative() || statsInterval.isZero()) {
        throw new IllegalArgumentException("statsInterval must be positive");
      }
      this.statsInterval = statsInterval;
      return this;
    }

    /** The HTTP path of the UI (a trailing {@code /} is added), or {@code null} to serve none. */
    public Builder uiPath(String uiPath) {
      if (uiPath != null && !uiPath.startsWith("/")) {
        throw new IllegalArgumentException("uiPath must start with /");
      }
      this.uiPath = uiPath == null || uiPath.endsWith("/") ? uiPath : uiPath + "/";
      return this;
    }

    public Builder maxSessions(int maxSessions) {
      if (maxSessions < 1) {
        throw new IllegalArgumentException("maxSessions must be at least 1");
      }
      this.maxSessions = maxSessions;
      return this;
    }

    public Builder sessionDuration(Duration sessionDuration) {
      this.sessionDuration = Objects.requireNonNull(sessionDuration, "sessionDuration");
      return this;
    }

    public AdminUiOptions build() {
      return new AdminUiOptions(this);
    }
  }
}
