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
   *
   * @param username the user name the UI's sign-in form must give
   * @param passwordHash the bcrypt hash of the password, such as {@code $2b$10$...}; never the password itself
   */
  public record BasicAuth(String username, String passwordHash) {
    /**
     * Checks the parts.
     *
     * @param username the user name
     * @param passwordHash the bcrypt hash of the password
     * @throws NullPointerException if a part is null
     * @throws IllegalArgumentException if {@code passwordHash} is not a bcrypt hash
     */
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

  /** {@return a builder with the defaults of {@link #DEFAULT}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding these options, to change some of them} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the admin namespace the UI connects to, default {@code /admin}} */
  public String namespaceName() {
    return namespaceName;
  }

  /** {@return the basic authentication, or {@code null} when there is none (see {@link #authDecided()})} */
  public BasicAuth auth() {
    return auth;
  }

  /**
   * {@return whether {@link Builder#auth} or {@link Builder#noAuth} was called; {@link AdminUi#instrument} refuses
   * options where it was not}
   */
  public boolean authDecided() {
    return authDecided;
  }

  /** {@return whether the UI may only look (no emit, join, leave or disconnect), default false} */
  public boolean readonly() {
    return readonly;
  }

  /** {@return the id this server shows in the UI, or {@code null} (the default) for the host name} */
  public String serverId() {
    return serverId;
  }

  /**
   * {@return development (every event) or production (aggregated counts only); default development, as in the
   * reference}
   */
  public Mode mode() {
    return mode;
  }

  /** {@return how often this server sends its stats, default 2 s (the reference's fixed interval)} */
  public Duration statsInterval() {
    return statsInterval;
  }

  /**
   * {@return the HTTP path of the served UI, ending with {@code /}, default {@code /admin/}; {@code null} serves none}
   */
  public String uiPath() {
    return uiPath;
  }

  /** {@return how many signed-in sessions are remembered (the oldest is forgotten past it), default 10,000} */
  public int maxSessions() {
    return maxSessions;
  }

  /** {@return how long a signed-in session lets the UI reconnect without the password, default 24 h} */
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

    /**
     * Sets the admin namespace; the UI's "Admin namespace" field must say the same.
     *
     * @param namespaceName the namespace name; a leading {@code /} is added when missing
     * @return this builder
     * @throws NullPointerException if {@code namespaceName} is null
     */
    public Builder namespaceName(String namespaceName) {
      Objects.requireNonNull(namespaceName, "namespaceName");
      this.namespaceName = namespaceName.startsWith("/") ? namespaceName : "/" + namespaceName;
      return this;
    }

    /**
     * Requires basic authentication: the UI signs in with this user name and the password whose hash is given.
     *
     * @param username the user name
     * @param bcryptHash a bcrypt hash of the password ({@code htpasswd -nbBC 10 "" secret} prints one after the colon)
     * @return this builder
     * @throws IllegalArgumentException if {@code bcryptHash} is not a bcrypt hash
     */
    public Builder auth(String username, String bcryptHash) {
      this.auth = new BasicAuth(username, bcryptHash);
      this.authDecided = true;
      return this;
    }

    /**
     * No authentication: anyone who reaches the namespace is admin (the reference's {@code auth: false}); for a
     * server that only trusted networks reach.
     *
     * @return this builder
     */
    public Builder noAuth() {
      this.auth = null;
      this.authDecided = true;
      return this;
    }

    /**
     * Sets whether the UI may only look; default false.
     *
     * @param readonly true to refuse the UI's emit, join, leave and disconnect commands
     * @return this builder
     */
    public Builder readonly(boolean readonly) {
      this.readonly = readonly;
      return this;
    }

    /**
     * Sets the id this server shows in the UI, to tell the servers of a cluster apart.
     *
     * @param serverId the id, or {@code null} (the default) for the host name
     * @return this builder
     */
    public Builder serverId(String serverId) {
      this.serverId = serverId;
      return this;
    }

    /**
     * Sets what the UI is sent; default {@link Mode#DEVELOPMENT}.
     *
     * @param mode the mode
     * @return this builder
     * @throws NullPointerException if {@code mode} is null
     */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets how often this server sends its stats; default 2 s.
     *
     * @param statsInterval the period, positive
     * @return this builder
     * @throws IllegalArgumentException if it is zero or negative
     */
    public Builder statsInterval(Duration statsInterval) {
      if (statsInterval.isNegative() || statsInterval.isZero()) {
        throw new IllegalArgumentException("statsInterval must be positive");
      }
      this.statsInterval = statsInterval;
      return this;
    }

    /**
     * Sets the HTTP path of the served UI; default {@code /admin/}.
     *
     * @param uiPath the path, starting with {@code /} (a trailing {@code /} is added), or {@code null} to serve none
     * @return this builder
     * @throws IllegalArgumentException if it does not start with {@code /}
     */
    public Builder uiPath(String uiPath) {
      if (uiPath != null && !uiPath.startsWith("/")) {
        throw new IllegalArgumentException("uiPath must start with /");
      }
      this.uiPath = uiPath == null || uiPath.endsWith("/") ? uiPath : uiPath + "/";
      return this;
    }

    /**
     * Sets how many signed-in sessions are remembered, the oldest forgotten first; default 10,000.
     *
     * @param maxSessions the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException if it is less than 1
     */
    public Builder maxSessions(int maxSessions) {
      if (maxSessions < 1) {
        throw new IllegalArgumentException("maxSessions must be at least 1");
      }
      this.maxSessions = maxSessions;
      return this;
    }

    /**
     * Sets how long a signed-in session lets the UI reconnect without the password; default 24 h.
     *
     * @param sessionDuration the lifetime of a session
     * @return this builder
     * @throws NullPointerException if it is null
     */
    public Builder sessionDuration(Duration sessionDuration) {
      this.sessionDuration = Objects.requireNonNull(sessionDuration, "sessionDuration");
      return this;
    }

    /** {@return the options} */
    public AdminUiOptions build() {
      return new AdminUiOptions(this);
    }
  }
}
