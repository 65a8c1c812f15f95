package io.switchboard.engine;

import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The immutable TLS configuration of an {@link HttpServer}: where its certificate comes from (PEM files, a key store,
 * or a ready Netty {@link SslContext}), which TLS implementation runs it, how often the files are checked for a
 * renewed certificate, and an optional plain-HTTP listener that redirects to HTTPS.
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.builder()
 *     .pem(Path.of("/etc/letsencrypt/live/chat.example.com/fullchain.pem"),
 *          Path.of("/etc/letsencrypt/live/chat.example.com/privkey.pem"))
 *     .httpRedirectPort(80)                       // http://chat.example.com/x -> https://chat.example.com/x
 *     .build();
 * HttpServer https = HttpServer.start(new InetSocketAddress(443), HttpServerOptions.builder().tls(tls).build(),
 *     pipeline -> pipeline.addLast(engine.newHandler()));
 * https.reloadCertificates();                     // after a renewal, or wait for the periodic check
 * }</pre>
 *
 * <p><b>Protocols.</b> TLS 1.3 and 1.2 only, with {@link #CIPHERS} (forward-secret AEAD suites) for TLS 1.2 and the
 * TLS 1.3 suites; ALPN offers {@code http/1.1}. A client that offers TLS 1.1 or less is refused in the handshake.
 *
 * <p><b>Certificates.</b> {@link Builder#pem} takes a PEM certificate chain (leaf first) and an unencrypted PKCS#8
 * private key ({@code -----BEGIN PRIVATE KEY-----}, RSA, EC or Ed25519), and checks that they belong together;
 * {@link Builder#keyStore(Path, char[])} a PKCS#12 or JKS file. Both are read again when their files change
 * (modification time or size, checked every {@link #reloadCheckInterval()}) or on
 * {@link HttpServer#reloadCertificates()}: new handshakes get the new certificate, connections already open keep
 * theirs. A reload that fails (a half-written file, a key that does not match) is logged and the previous
 * certificate stays. {@link Builder#keyStore(KeyStore, char[])} is read again on
 * {@link HttpServer#reloadCertificates()} only; a ready {@link Builder#sslContext(SslContext)} is used as it is, and
 * never reloaded.
 */
public final class TlsOptions {
  /** The protocols a server accepts. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * The cipher suites, strongest first: the TLS 1.3 suites, then for TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305
   * (ECDSA and RSA certificates). Those a provider lacks are left out.
   */
  public static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final Path certificateChain;
  private final Path privateKey;
  private final Path keyStoreFile;
  private final KeyStore keyStore;
  private final char[] keyStorePassword;
  private final SslContext sslContext;
  private final TlsProvider provider;
  private final Duration reloadCheckInterval;
  private final Duration handshakeTimeout;
  private final int httpRedirectPort;
  private final int httpsPublicPort;

  private TlsOptions(Builder b) {
    int sources = (b.certificateChain != null ? 1 : 0) + (b.keyStoreFile != null ? 1 : 0)
        + (b.keyStore != null ? 1 : 0) + (b.sslContext != null ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException("TLS needs exactly one certificate source: pem(...), keyStore(...) or "
          + "sslContext(...); " + sources + " given");
    }
    this.certificateChain = b.certificateChain;
    this.privateKey = b.privateKey;
    this.keyStoreFile = b.keyStoreFile;
    this.keyStore = b.keyStore;
    this.keyStorePassword = b.keyStorePassword == null ? null : b.keyStorePassword.clone();
    this.sslContext = b.sslContext;
    this.provider = Objects.requireNonNull(b.provider, "provider");
    this.reloadCheckInterval = Objects.requireNonNull(b.reloadCheckInterval, "reloadCheckInterval");
    if (reloadCheckInterval.isNegative()) {
      throw new IllegalArgumentException("reloadCheckInterval must not be negative: " + reloadCheckInterval);
    }
    this.handshakeTimeout = Objects.requireNonNull(b.handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive: " + handshakeTimeout);
    }
    if (b.httpRedirectPort < -1 || b.httpRedirectPort > 65535) {
      throw new IllegalArgumentException("httpRedirectPort must be -1 (none), 0 (any) or a port: " + b.httpRedirectPort);
    }
    this.httpRedirectPort = b.httpRedirectPort;
    if (b.httpsPublicPort < 0 || b.httpsPublicPort > 65535) {
      throw new IllegalArgumentException("httpsPublicPort must be 0 (the listening port) or a port: "
          + b.httpsPublicPort);
    }
    this.httpsPublicPort = b.httpsPublicPort;
  }

  /**
   * TLS with a PEM certificate chain and PKCS#8 private key, and every other setting at its default; the same as
   * {@code builder().pem(certificateChain, privateKey).build()}.
   *
   * @param certificateChain the PEM certificate chain file, leaf first; not null
   * @param privateKey the unencrypted PKCS#8 PEM private key file; not null
   * @return the options
   * @throws NullPointerException if either path is null
   */
  public static TlsOptions pem(Path certificateChain, Path privateKey) {
    return builder().pem(certificateChain, privateKey).build();
  }

  /** {@return a builder with the defaults and no certificate source yet} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding this configuration, to change a part of it} */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** {@return the PEM certificate chain file, or {@code null} when the certificate comes from elsewhere} */
  public Path certificateChain() {
    return certificateChain;
  }

  /** {@return the PEM PKCS#8 private key file, or {@code null} when the certificate comes from elsewhere} */
  public Path privateKey() {
    return privateKey;
  }

  /** {@return the key store file (PKCS#12 or JKS), or {@code null} when the certificate comes from elsewhere} */
  public Path keyStoreFile() {
    return keyStoreFile;
  }

  /** {@return the loaded key store, or {@code null} when the certificate comes from elsewhere} */
  public KeyStore keyStore() {
    return keyStore;
  }

  char[] keyStorePassword() {
    return keyStorePassword == null ? null : keyStorePassword.clone();
  }

  /** {@return the ready server context, used as it is, or {@code null} when the certificate comes from elsewhere} */
  public SslContext sslContext() {
    return sslContext;
  }

  /** {@return the TLS implementation; default {@link TlsProvider#AUTO}} Ignored with a ready {@link #sslContext()}. */
  public TlsProvider provider() {
    return provider;
  }

  /**
   * {@return how often the certificate files are checked for a change (their modification time and size, two file
   * system look-ups); default 1 minute, zero = never (reload with {@link HttpServer#reloadCertificates()} only)}
   */
  public Duration reloadCheckInterval() {
    return reloadCheckInterval;
  }

  /** {@return how long a client may take to finish its handshake before the connection is closed; default 10 s} */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * {@return the port of a plain-HTTP listener (same address) that answers every request with a redirect to the same
   * path over HTTPS: 301 for GET and HEAD, 308 for other methods; default -1 (none), 0 for any free port}
   */
  public int httpRedirectPort() {
    return httpRedirectPort;
  }

  /**
   * {@return the HTTPS port the redirects name, when clients reach the server on another port than it listens on (a
   * port mapping); default 0, the listening port} 443 is left out of the URL.
   */
  public int httpsPublicPort() {
    return httpsPublicPort;
  }

  /** Where the certificate comes from, for logs. */
  String source() {
    if (certificateChain != null) {
      return certificateChain + " and " + privateKey;
    }
    if (keyStoreFile != null) {
      return keyStoreFile.toString();
    }
    return keyStore != null ? "a KeyStore (" + keyStore.getType() + ")" : "a ready SslContext";
  }

  @Override
  public String toString() {
    return "TlsOptions{source=" + source() + ", provider=" + provider + ", reloadCheckInterval=" + reloadCheckInterval
        + ", handshakeTimeout=" + handshakeTimeout + ", httpRedirectPort=" + httpRedirectPort + "}";
  }

  /** Builds {@link TlsOptions}; every setter returns this builder. */
  public static final class Builder {
    private Path certificateChain;
    private Path privateKey;
    private Path keyStoreFile;
    private KeyStore keyStore;
    private char[] keyStorePassword;
    private SslContext sslContext;
    private TlsProvider provider = TlsProvider.AUTO;
    private Duration reloadCheckInterval = Duration.ofMinutes(1);
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private int httpRedirectPort = -1;
    private int httpsPublicPort;

    private Builder() {}

    private Builder(TlsOptions o) {
      certificateChain = o.certificateChain;
      privateKey = o.privateKey;
      keyStoreFile = o.keyStoreFile;
      keyStore = o.keyStore;
      keyStorePassword = o.keyStorePassword;
      sslContext = o.sslContext;
      provider = o.provider;
      reloadCheckInterval = o.reloadCheckInterval;
      handshakeTimeout = o.handshakeTimeout;
      httpRedirectPort = o.httpRedirectPort;
      httpsPublicPort = o.httpsPublicPort;
    }

    private void clearSource() {
      certificateChain = null;
      privateKey = null;
      keyStoreFile = null;
      keyStore = null;
      keyStorePassword = null;
      sslContext = null;
    }

    /**
     * The certificate from a PEM chain (leaf first) and an unencrypted PKCS#8 PEM private key; replaces any other
     * source. The files are read by {@link HttpServer#start}, not here.
     *
     * @param certificateChain the PEM certificate chain file; not null
     * @param privateKey the PEM private key file; not null
     * @return this builder
     * @throws NullPointerException if either path is null
     */
    public Builder pem(Path certificateChain, Path privateKey) {
      clearSource();
      this.certificateChain = Objects.requireNonNull(certificateChain, "certificateChain");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      return this;
    }

    /**
     * The certificate from a PKCS#12 or JKS file (its first key entry); replaces any other source.
     *
     * @param file the key store file; not null
     * @param password the password of the store and its key; copied, so the caller may clear its array
     * @return this builder
     * @throws NullPointerException if either argument is null
     */
    public Builder keyStore(Path file, char[] password) {
      clearSource();
      this.keyStoreFile = Objects.requireNonNull(file, "file");
      this.keyStorePassword = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * The certificate from a loaded key store (its first key entry); replaces any other source.
     *
     * @param keyStore the loaded key store; not null
     * @param password the password of its key entry; copied, so the caller may clear its array
     * @return this builder
     * @throws NullPointerException if either argument is null
     */
    public Builder keyStore(KeyStore keyStore, char[] password) {
      clearSource();
      this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
      this.keyStorePassword = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * A ready server context, used as it is (its protocols, ciphers and provider included) and never reloaded;
     * replaces any other source.
     *
     * @param sslContext a server-side Netty context; not null
     * @return this builder
     * @throws NullPointerException if {@code sslContext} is null
     * @throws IllegalArgumentException if it is a client context
     */
    public Builder sslContext(SslContext sslContext) {
      clearSource();
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      if (!sslContext.isServer()) {
        throw new IllegalArgumentException("sslContext must be a server context");
      }
      return this;
    }

    /**
     * Sets {@link TlsOptions#provider()}.
     *
     * @param provider the new value (see {@link TlsOptions#provider()}); {@link #build()} throws on null
     * @return this builder
     */
    public Builder provider(TlsProvider provider) {
      this.provider = provider;
      return this;
    }

    /**
     * Sets {@link TlsOptions#reloadCheckInterval()}.
     *
     * @param reloadCheckInterval the new value, zero for never; {@link #build()} throws if it is null or negative
     * @return this builder
     */
    public Builder reloadCheckInterval(Duration reloadCheckInterval) {
      this.reloadCheckInterval = reloadCheckInterval;
      return this;
    }

    /**
     * Sets {@link TlsOptions#handshakeTimeout()}.
     *
     * @param handshakeTimeout the new value; {@link #build()} throws if it is null, zero or negative
     * @return this builder
     */
    public Builder handshakeTimeout(Duration handshakeTimeout) {
      this.handshakeTimeout = handshakeTimeout;
      return this;
    }

    /**
     * Sets {@link TlsOptions#httpRedirectPort()}.
     *
     * @param httpRedirectPort -1 for no redirect listener, 0 for any free port, or a port up to 65535
     * @return this builder
     */
    public Builder httpRedirectPort(int httpRedirectPort) {
      this.httpRedirectPort = httpRedirectPort;
      return this;
    }

    /**
     * Sets {@link TlsOptions#httpsPublicPort()}.
     *
     * @param httpsPublicPort 0 for the port the server listens on, or a port up to 65535
     * @return this builder
     */
    public Builder httpsPublicPort(int httpsPublicPort) {
      this.httpsPublicPort = httpsPublicPort;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws IllegalArgumentException if not exactly one certificate source was given, or a duration or port is out
     *     of range
     * @throws NullPointerException if the provider or a duration is null
     */
    public TlsOptions build() {
      return new TlsOptions(this);
    }
  }
}
