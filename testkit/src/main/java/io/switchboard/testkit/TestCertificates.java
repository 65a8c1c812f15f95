package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate it signed for {@code localhost}, {@code 127.0.0.1} and
 * {@code ::1}, written as PEM files (chain, PKCS#8 key, CA) into a directory, for TLS tests.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.create(tempDir);                 // EC P-256
 * HttpServerOptions options = HttpServerOptions.builder()
 *     .tls(TlsOptions.pem(certs.chainFile(), certs.keyFile())).build();
 * SSLContext client = certs.clientContext();                                 // trusts the CA only
 * X509Certificate renewed = certs.renew();                                   // new serial, same files
 * }</pre>
 */
public final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String keyAlgorithm;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private volatile X509Certificate server;

  private TestCertificates(Path dir, String keyAlgorithm, KeyPair caKeys, X509Certificate ca) {
    this.dir = dir;
    this.keyAlgorithm = keyAlgorithm;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** A CA and a server certificate with EC P-256 keys, written into {@code dir}. */
  public static TestCertificates create(Path dir) {
    return create(dir, "EC");
  }

  /** A CA and a server certificate with {@code "EC"} (P-256) or {@code "RSA"} (2048-bit) keys, written into dir. */
  public static TestCertificates create(Path dir, String keyAlgorithm) {
    try {
      Files.createDirectories(dir);
      KeyPair caKeys = keyPair(keyAlgorithm);
      X500Name name = new X500Name("CN=Switchboard Test CA");
      X509v3CertificateBuilder b = builder(name, name, caKeys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate ca = sign(b, caKeys.getPrivate());
      TestCertificates certs = new TestCertificates(dir, keyAlgorithm, caKeys, ca);
      write(dir.resolve("ca.pem"), pem("CERTIFICATE", ca.getEncoded()));
      certs.renew();
      return certs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Issues a new server certificate (new key, new serial) and replaces the chain and key files with it, each by an
   * atomic move; returns it.
   */
  public X509Certificate renew() {
    try {
      KeyPair keys = keyPair(keyAlgorithm);
      X509v3CertificateBuilder b = builder(new X500Name("CN=Switchboard Test CA"), new X500Name("CN=localhost"),
          keys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int usage = KeyUsage.digitalSignature | ("RSA".equals(keyAlgorithm) ? KeyUsage.keyEncipherment : 0);
      b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, InetAddress.getByName("::1").getHostAddress())}));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate cert = sign(b, caKeys.getPrivate());
      write(keyFile(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      write(chainFile(), pem("CERTIFICATE", cert.getEncoded()) + pem("CERTIFICATE", ca.getEncoded()));
      server = cert;
      return cert;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server certificate chain (leaf, then CA), PEM. */
  public Path chainFile() {
    return dir.resolve("server-chain.pem");
  }

  /** The server's PKCS#8 private key, PEM. */
  public Path keyFile() {
    return dir.resolve("server-key.pem");
  }

  /** The CA certificate, PEM. */
  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  /** The CA certificate. */
  public X509Certificate ca() {
    return ca;
  }

  /** The current server certificate. */
  public X509Certificate server() {
    return server;
  }

  /** The CA certificate as PEM text (for a Node client's {@code ca} option). */
  public String caPem() {
    try {
      return pem("CERTIFICATE", ca.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client context that trusts this CA and nothing else. */
  public SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), RANDOM);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The base64 SHA-256 of a certificate's SubjectPublicKeyInfo, as Chromium's
   * {@code --ignore-certificate-errors-spki-list} takes it.
   */
  public static String spkiSha256(X509Certificate certificate) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair(String algorithm) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if ("EC".equals(algorithm)) {
      g.initialize(new ECGenParameterSpec("secp256r1"));
    } else {
      g.initialize(2048);
    }
    return g.generateKeyPair();
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject,
      java.security.PublicKey key) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).setBit(63),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(key)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
