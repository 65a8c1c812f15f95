package io.switchboard.chat;

import io.switchboard.engine.TlsOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How the chat serves HTTPS: with a certificate and key from PEM files (reloaded when they change), with a
 * self-signed development certificate kept in the data directory, or not at all; and whether a plain-HTTP port
 * redirects to it.
 *
 * <pre>{@code
 * ChatTls files = new ChatTls(Optional.of(Path.of("fullchain.pem")), Optional.of(Path.of("privkey.pem")), false, 80);
 * ChatTls dev = new ChatTls(Optional.empty(), Optional.empty(), true, -1);
 * TlsOptions options = dev.options(dataDir);   // generates data/tls/self-signed-*.pem the first time
 * }</pre>
 *
 * @param certificate      the PEM certificate chain (leaf first), with {@code key}
 * @param key              the PEM PKCS#8 private key, with {@code certificate}
 * @param selfSigned       whether to generate (once, in the data directory) and use a self-signed certificate
 * @param httpRedirectPort a plain-HTTP port that redirects to HTTPS, or -1 for none
 */
public record ChatTls(Optional<Path> certificate, Optional<Path> key, boolean selfSigned, int httpRedirectPort) {
  /** No TLS. */
  public static final ChatTls OFF = new ChatTls(Optional.empty(), Optional.empty(), false, -1);

  public ChatTls {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    if (certificate.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    if (selfSigned && certificate.isPresent()) {
      throw new IllegalArgumentException("--tls-self-signed or --tls-cert/--tls-key, not both");
    }
    if (httpRedirectPort < -1 || httpRedirectPort > 65535) {
      throw new IllegalArgumentException("--http-redirect-port must be a port number, was " + httpRedirectPort);
    }
    if (httpRedirectPort >= 0 && !selfSigned && certificate.isEmpty()) {
      throw new IllegalArgumentException("--http-redirect-port needs TLS (--tls-cert/--tls-key or --tls-self-signed)");
    }
  }

  /** Whether the chat serves HTTPS. */
  public boolean enabled() {
    return selfSigned || certificate.isPresent();
  }

  /**
   * The server's TLS options, or {@code null} without TLS; with {@link #selfSigned()}, the development certificate of
   * {@code dataDir} (made the first time).
   */
  public TlsOptions options(Path dataDir) {
    if (!enabled()) {
      return null;
    }
    TlsOptions.Builder b = TlsOptions.builder().httpRedirectPort(httpRedirectPort);
    if (selfSigned) {
      DevCertificate dev = DevCertificate.loadOrCreate(dataDir.resolve("tls"));
      b.pem(dev.chainFile(), dev.keyFile());
    } else {
      b.pem(certificate.get(), key.get());
    }
    return b.build();
  }
}
