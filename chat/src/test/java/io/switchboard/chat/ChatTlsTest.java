package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.engine.TlsOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS flags and environment variables, and the self-signed development certificate. */
class ChatTlsTest {
  @TempDir
  Path dir;

  @Test
  void flagsWinOverTheEnvironmentAndSelfSignedIsASwitch() {
    ChatConfig env = ChatConfig.parse(new String[0],
        Map.of("TLS_CERT", "/e/cert.pem", "TLS_KEY", "/e/key.pem", "HTTP_REDIRECT_PORT", "8080"));
    assertThat(env.tls().certificate()).contains(Path.of("/e/cert.pem"));
    assertThat(env.tls().key()).contains(Path.of("/e/key.pem"));
    assertThat(env.tls().httpRedirectPort()).isEqualTo(8080);

    ChatConfig flags = ChatConfig.parse(new String[] {"--tls-cert", "/f/cert.pem", "--tls-key=/f/key.pem"},
        Map.of("TLS_CERT", "/e/cert.pem", "TLS_KEY", "/e/key.pem"));
    assertThat(flags.tls().certificate()).contains(Path.of("/f/cert.pem"));
    assertThat(flags.tls().key()).contains(Path.of("/f/key.pem"));
    assertThat(flags.tls().httpRedirectPort()).isEqualTo(-1);

    ChatConfig dev = ChatConfig.parse(new String[] {"--tls-self-signed", "--port", "8443"}, Map.of());
    assertThat(dev.tls().selfSigned()).isTrue();
    assertThat(dev.port()).isEqualTo(8443);
    assertThat(ChatConfig.parse(new String[0], Map.of("TLS_SELF_SIGNED", "true")).tls().selfSigned()).isTrue();
    assertThat(ChatConfig.parse(new String[0], Map.of()).tls()).isEqualTo(ChatTls.OFF);
  }

  @Test
  void inconsistentSettingsAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--tls-cert", "c.pem"}, Map.of()))
        .hasMessageContaining("--tls-cert and --tls-key go together");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--http-redirect-port", "80"}, Map.of()))
        .hasMessageContaining("needs TLS");
    assertThatThrownBy(() -> ChatConfig.parse(
        new String[] {"--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, Map.of()))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--tls-self-signed=maybe"}, Map.of()))
        .hasMessageContaining("true or false");
  }

  @Test
  void theSelfSignedCertificateIsMadeOnceAndKeptInTheDataDirectory() throws Exception {
    DevCertificate first = DevCertificate.loadOrCreate(dir.resolve("tls"));
    first.certificate().checkValidity();
    assertThat(first.certificate().getSubjectAlternativeNames()).extracting(n -> (Object) String.valueOf(n.get(1)))
        .contains((Object) "localhost", (Object) "127.0.0.1");
    assertThat(first.sha256Fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    DevCertificate again = DevCertificate.loadOrCreate(dir.resolve("tls"));
    assertThat(again.sha256Fingerprint()).isEqualTo(first.sha256Fingerprint());
    TlsOptions options = new ChatTls(java.util.Optional.empty(), java.util.Optional.empty(), true, -1)
        .options(dir);
    assertThat(options.certificateChain()).isEqualTo(first.chainFile());

    // the app serves it
    ChatApp app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dir).tlsSelfSigned(true)
        .build());
    try {
      assertThat(app.url()).startsWith("https://");
      assertThat(app.http().tlsProvider()).isNotNull();
      assertThat(app.summary()).contains("TLS by OPENSSL");
    } finally {
      app.close();
    }
  }
}
