package io.switchboard.server;

import io.switchboard.engine.ws.WebSocketOptions;
import java.util.Objects;

/**
 * The immutable configuration of a plain WebSocket endpoint ({@link Server#webSocket}): the namespace whose rooms its
 * clients join, who may connect, caps per user and per address, and the RFC 6455 limits of the engine's endpoint
 * (maximum payload, ping interval and timeout, bounded outbound queue, allowed origins).
 *
 * <pre>{@code
 * PlainWebSocketOptions options = PlainWebSocketOptions.builder()
 *     .authenticator(req -> Admission.user(tokens.verify(req.queryParam("token"))))
 *     .webSocket(WebSocketOptions.builder().maxPayload(64 * 1024).build())
 *     .build();
 * io.webSocket("/ws", options, ws -> ws.onText(text -> ws.send("echo " + text)));
 * }</pre>
 */
public final class PlainWebSocketOptions {
  /** The defaults. */
  public static final PlainWebSocketOptions DEFAULT = builder().build();

  private final String namespace;
  private final HttpAuthenticator authenticator;
  private final int maxConnectionsPerUser;
  private final int maxConnectionsPerAddress;
  private final WebSocketOptions webSocket;

  private PlainWebSocketOptions(Builder b) {
    this.namespace = Objects.requireNonNull(b.namespace, "namespace");
    this.authenticator = Objects.requireNonNull(b.authenticator, "authenticator");
    if (b.maxConnectionsPerUser < 1 || b.maxConnectionsPerAddress < 1) {
      throw new IllegalArgumentException("the caps must be at least 1");
    }
    this.maxConnectionsPerUser = b.maxConnectionsPerUser;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.webSocket = Objects.requireNonNull(b.webSocket, "webSocket");
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the namespace whose rooms the clients are in; default {@code "/"}} */
  public String namespace() {
    return namespace;
  }

  /** {@return who may connect, and as whom (decided before the upgrade); default {@link HttpAuthenticator#ANYONE}} */
  public HttpAuthenticator authenticator() {
    return authenticator;
  }

  /** {@return the most connections one authenticated user holds open on this server; default 20} */
  public int maxConnectionsPerUser() {
    return maxConnectionsPerUser;
  }

  /** {@return the most connections one client address holds open on this server; default 100} */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /**
   * {@return the engine endpoint's limits ({@link WebSocketOptions}: maxPayload, ping, outbound queue, origins); its
   * path and authenticator are replaced by the endpoint's. Default {@link WebSocketOptions#DEFAULT}}
   */
  public WebSocketOptions webSocket() {
    return webSocket;
  }

  /** Builds {@link PlainWebSocketOptions}. */
  public static final class Builder {
    private String namespace = "/";
    private HttpAuthenticator authenticator = HttpAuthenticator.ANYONE;
    private int maxConnectionsPerUser = 20;
    private int maxConnectionsPerAddress = 100;
    private WebSocketOptions webSocket = WebSocketOptions.DEFAULT;

    private Builder() {}

    private Builder(PlainWebSocketOptions o) {
      namespace = o.namespace;
      authenticator = o.authenticator;
      maxConnectionsPerUser = o.maxConnectionsPerUser;
      maxConnectionsPerAddress = o.maxConnectionsPerAddress;
      webSocket = o.webSocket;
    }

    /**
     * Sets {@link PlainWebSocketOptions#namespace()}.
     *
     * @param namespace the namespace name, starting with {@code /}
     * @return this builder
     */
    public Builder namespace(String namespace) {
      this.namespace = namespace;
      return this;
    }

    /**
     * Sets {@link PlainWebSocketOptions#authenticator()}.
     *
     * @param authenticator decides who may connect
     * @return this builder
     */
    public Builder authenticator(HttpAuthenticator authenticator) {
      this.authenticator = authenticator;
      return this;
    }

    /**
     * Sets {@link PlainWebSocketOptions#maxConnectionsPerUser()}.
     *
     * @param maxConnectionsPerUser the cap; at least 1
     * @return this builder
     */
    public Builder maxConnectionsPerUser(int maxConnectionsPerUser) {
      this.maxConnectionsPerUser = maxConnectionsPerUser;
      return this;
    }

    /**
     * Sets {@link PlainWebSocketOptions#maxConnectionsPerAddress()}.
     *
     * @param maxConnectionsPerAddress the cap; at least 1
     * @return this builder
     */
    public Builder maxConnectionsPerAddress(int maxConnectionsPerAddress) {
      this.maxConnectionsPerAddress = maxConnectionsPerAddress;
      return this;
    }

    /**
     * Sets {@link PlainWebSocketOptions#webSocket()}.
     *
     * @param webSocket the engine endpoint limits
     * @return this builder
     */
    public Builder webSocket(WebSocketOptions webSocket) {
      this.webSocket = webSocket;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws NullPointerException     if the namespace, authenticator or WebSocket options are null
     * @throws IllegalArgumentException if a cap is under 1
     */
    public PlainWebSocketOptions build() {
      return new PlainWebSocketOptions(this);
    }
  }
}
