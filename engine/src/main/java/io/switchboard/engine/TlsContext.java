package io.switchboard.engine;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current server {@link SslContext} of one {@link HttpServer}, built from its {@link TlsOptions} and swapped for a
 * new one when the certificate is reloaded; each new connection takes the context current at its accept, so open
 * connections keep the certificate they were handshaken with.
 *
 * <pre>{@code
 * TlsContext tls = TlsContext.create(options);        // throws IllegalArgumentException on a bad certificate
 * pipeline.addLast("tls", tls.newHandler(channel.alloc()));
 * tls.reloadIfChanged();                               // periodic: reloads when the files changed
 * }</pre>
 */
final class TlsContext {
  private static final Logger log = LoggerFactory.getLogger(TlsContext.class);

  private static final Pattern PEM_KEY = Pattern.compile(
      "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]*)-----END \\1PRIVATE KEY-----");
  private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
      ApplicationProtocolConfig.Protocol.ALPN,
      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
      ApplicationProtocolNames.HTTP_1_1);

  private final TlsOptions options;
  private final TlsProvider provider;
  private final long handshakeTimeoutMillis;
  private volatile SslContext current;
  private volatile X509Certificate certificate;
  /** The files' modification times and sizes at the last load or attempt; empty when there are no files. */
  private List<Object> stamps;

  private TlsContext(TlsOptions options, TlsProvider provider) {
    this.options = options;
    this.provider = provider;
    this.handshakeTimeoutMillis = options.handshakeTimeout().toMillis();
  }

  /**
   * Builds the context of {@code options}.
   *
   * @throws IllegalArgumentException when the certificate cannot be read or does not match its key
   * @throws IllegalStateException    when {@link TlsProvider#OPENSSL} was asked for and is not available
   */
  static TlsContext create(TlsOptions options) {
    TlsProvider provider = options.sslContext() != null
        ? (options.sslContext().isServer() && isOpenSsl(options.sslContext()) ? TlsProvider.OPENSSL : TlsProvider.JDK)
        : options.provider().resolve();
    TlsContext tls = new TlsContext(options, provider);
    tls.stamps = tls.stamp();
    try {
      tls.load();
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("cannot use the TLS certificate from " + options.source() + ": "
          + e.getMessage(), e);
    }
    return tls;
  }

  private static boolean isOpenSsl(SslContext context) {
    return context.getClass().getName().contains("OpenSsl");
  }

  /** A TLS handler for a new connection, with the current certificate. */
  SslHandler newHandler(ByteBufAllocator alloc) {
    SslHandler handler = current.newHandler(alloc);
    handler.setHandshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    return handler;
  }

  /** The TLS implementation in use. */
  TlsProvider provider() {
    return provider;
  }

  /** The leaf certificate new handshakes present, or {@code null} with a ready context. */
  X509Certificate certificate() {
    return certificate;
  }

  /** Whether there are files to watch. */
  boolean watchesFiles() {
    return options.certificateChain() != null || options.keyStoreFile() != null;
  }

  /**
   * Reads the certificate again; on failure logs one warning and keeps the previous one. Whether the new one is in
   * use. A ready {@link SslContext} has nothing to reload: false.
   */
  synchronized boolean reload() {
    if (options.sslContext() != null) {
      log.info("TLS: nothing to reload, the server runs with a ready SslContext");
      return false;
    }
    stamps = stamp();
    try {
      load();
      X509Certificate c = certificate;
      log.info("TLS certificate reloaded from {}: {}, serial {}, valid until {}", options.source(),
          c.getSubjectX500Principal().getName(), c.getSerialNumber().toString(16), c.getNotAfter().toInstant());
      return true;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      log.warn("TLS certificate reload from {} failed, keeping the previous certificate: {}", options.source(),
          String.valueOf(e));
      return false;
    }
  }

  /** Reloads when a certificate file's modification time or size changed since the last load or attempt. */
  synchronized void reloadIfChanged() {
    List<Object> now = stamp();
    if (!now.equals(stamps)) {
      reload();
    }
  }

  private List<Object> stamp() {
    List<Object> out = new ArrayList<>();
    for (Path p : new Path[] {options.certificateChain(), options.privateKey(), options.keyStoreFile()}) {
      if (p != null) {
        try {
          out.add(p.toRealPath()); // a symbolic link moved to a new target (certbot's live/ directory)
          out.add(Files.getLastModifiedTime(p));
          out.add(Files.size(p));
        } catch (IOException e) {
          out.add(e.getClass().getName()); // missing for a moment while replaced: a change, tried when back
        }
      }
    }
    return out;
  }

  private void load() throws IOException, GeneralSecurityException {
    if (options.sslContext() != null) {
      current = options.sslContext();
      return;
    }
    SslContextBuilder b;
    X509Certificate leaf;
    if (options.certificateChain() != null) {
      List<X509Certificate> chain = readCertificates(options.certificateChain());
      PrivateKey key = readPrivateKey(options.privateKey());
      checkPair(key, chain.get(0));
      leaf = chain.get(0);
      b = SslContextBuilder.forServer(key, chain);
    } else {
      KeyStore ks;
      char[] password = options.keyStorePassword();
      if (options.keyStoreFile() != null) {
        ks = KeyStore.getInstance(options.keyStoreFile().toFile(), password);
      } else {
        ks = options.keyStore();
      }
      leaf = firstKeyCertificate(ks);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      b = SslContextBuilder.forServer(kmf);
    }
    SslContext context = b
        .sslProvider(provider == TlsProvider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
        .protocols(TlsOptions.PROTOCOLS)
        .ciphers(TlsOptions.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(ALPN)
        .build();
    certificate = leaf;
    current = context;
  }

  private static X509Certificate firstKeyCertificate(KeyStore ks) throws GeneralSecurityException {
    for (String alias : Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
        return c;
      }
    }
    throw new GeneralSecurityException("the key store has no private key entry with an X.509 certificate");
  }

  /** The certificates of a PEM file, in order. */
  static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Certificate c : factory.generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    if (out.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + file);
    }
    return out;
  }

  /** An unencrypted PKCS#8 private key (RSA, EC or Ed25519) from a PEM file. */
  static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    Matcher m = PEM_KEY.matcher(text);
    if (!m.find()) {
      throw new GeneralSecurityException("no PEM private key in " + file);
    }
    String kind = m.group(1).trim();
    if (!kind.isEmpty()) {
      throw new GeneralSecurityException("the key in " + file + " is a " + kind + " PRIVATE KEY; an unencrypted "
          + "PKCS#8 key (BEGIN PRIVATE KEY) is needed: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // not this algorithm
      }
    }
    throw new GeneralSecurityException("the key in " + file + " is not an RSA, EC or Ed25519 PKCS#8 key");
  }

  /** Fails unless {@code key} signs what the certificate's public key verifies. */
  private static void checkPair(PrivateKey key, X509Certificate leaf) throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    byte[] probe = "switchboard".getBytes(StandardCharsets.US_ASCII);
    boolean ok;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      ok = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new GeneralSecurityException("the private key does not belong to the certificate "
          + Objects.toString(leaf.getSubjectX500Principal().getName()));
    }
  }
}
