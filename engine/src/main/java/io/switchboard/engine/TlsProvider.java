package io.switchboard.engine;

import io.netty.handler.ssl.OpenSsl;

/**
 * Which TLS implementation an {@link HttpServer} uses: OpenSSL (BoringSSL from {@code netty-tcnative}) or the JDK's
 * own, or {@link #AUTO} to take OpenSSL when it is on the class path and loads, the JDK otherwise.
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.builder().pem(cert, key).provider(TlsProvider.JDK).build();
 * HttpServer https = HttpServer.start(address, HttpServerOptions.builder().tls(tls).build(), handlers);
 * TlsProvider used = https.tlsProvider();   // JDK
 * }</pre>
 *
 * <p>OpenSSL needs {@code io.netty:netty-tcnative-boringssl-static} (with the classifier of the platform, e.g.
 * {@code linux-x86_64}) at run time; its handshakes cost the server less CPU (see {@code docs/benchmarks.md}).
 */
public enum TlsProvider {
  /** OpenSSL when {@link #OPENSSL} is available, else {@link #JDK}. */
  AUTO,
  /** BoringSSL through {@code netty-tcnative}; starting a server with it fails when it is not available. */
  OPENSSL,
  /** The JDK's {@code SSLEngine}. */
  JDK;

  /**
   * {@return whether OpenSSL (netty-tcnative) is on the class path and loads on this platform} The first call tries
   * to load the native library.
   */
  public static boolean openSslAvailable() {
    return OpenSsl.isAvailable();
  }

  /** This choice made concrete: {@link #OPENSSL} or {@link #JDK}. */
  TlsProvider resolve() {
    return switch (this) {
      case AUTO -> openSslAvailable() ? OPENSSL : JDK;
      case OPENSSL -> {
        if (!openSslAvailable()) {
          throw new IllegalStateException("TLS provider OPENSSL is not available (add "
              + "io.netty:netty-tcnative-boringssl-static for this platform): " + OpenSsl.unavailabilityCause());
        }
        yield OPENSSL;
      }
      case JDK -> JDK;
    };
  }
}
