package io.switchboard.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-signed development certificate of {@code --tls-self-signed}: an EC P-256 key and a certificate for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid 90 days, kept in the data directory so that a browser
 * exception made for it survives restarts, and made anew when missing or within a day of expiry.
 *
 * <pre>{@code
 * DevCertificate dev = DevCertificate.loadOrCreate(Path.of("data/tls"));
 * System.out.println("SHA-256 fingerprint " + dev.sha256Fingerprint());   // AB:CD:...
 * }</pre>
 */
public final class DevCertificate {
  private static final Logger log = LoggerFactory.getLogger(DevCertificate.class);

  private final Path chainFile;
  private final Path keyFile;
  private final X509Certificate certificate;

  private DevCertificate(Path chainFile, Path keyFile, X509Certificate certificate) {
    this.chainFile = chainFile;
    this.keyFile = keyFile;
    this.certificate = certificate;
  }

  /** The certificate kept in {@code dir}, or a new one written there when it is missing or expires within a day. */
  public static synchronized DevCertificate loadOrCreate(Path dir) {
    Path chain = dir.resolve("self-signed-cert.pem");
    Path key = dir.resolve("self-signed-key.pem");
    try {
      if (Files.isRegularFile(chain) && Files.isRegularFile(key)) {
        X509Certificate existing;
        try (InputStream in = Files.newInputStream(chain)) {
          existing = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        if (existing.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)))) {
          return new DevCertificate(chain, key, existing);
        }
      }
      Files.createDirectories(dir);
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = g.generateKeyPair();
      X500Name name = new X500Name("CN=localhost, O=Switchboard chat development");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(90))), name,
          keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"),
          new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
          new GeneralName(GeneralName.iPAddress, InetAddress.getByName("::1").getHostAddress())}));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      write(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      write(chain, pem("CERTIFICATE", cert.getEncoded()));
      DevCertificate dev = new DevCertificate(chain, key, cert);
      log.info("generated a self-signed development certificate in {} (SHA-256 {})", dir, dev.sha256Fingerprint());
      return dev;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the development certificate in " + dir, e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make a development certificate: " + e.getMessage(), e);
    }
  }

  /** The certificate's PEM file. */
  public Path chainFile() {
    return chainFile;
  }

  /** The PKCS#8 private key's PEM file (readable by its owner only, where the file system allows). */
  public Path keyFile() {
    return keyFile;
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The SHA-256 fingerprint of a certificate, as browsers show it: upper-case hex pairs joined by colons. */
  public static String sha256Fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.ofDelimiter(":").withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** This certificate's SHA-256 fingerprint. */
  public String sha256Fingerprint() {
    return sha256Fingerprint(certificate);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file);
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }
}
