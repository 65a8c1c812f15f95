package io.switchboard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.Server;
import io.switchboard.testkit.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code switchboard.ssl.bundle}: the Socket.IO port serves HTTPS with a Boot SSL bundle's certificate. */
class SwitchboardSslBundleTest {
  @TempDir
  Path dir;

  @Test
  void aPemBundleServesHttps() {
    TestCertificates certs = TestCertificates.create(dir);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SwitchboardAutoConfiguration.class))
        .withPropertyValues("switchboard.port=0", "switchboard.host=127.0.0.1", "switchboard.shutdown-grace=0s",
            "switchboard.ssl.bundle=sb",
            "spring.ssl.bundle.pem.sb.keystore.certificate=file:" + certs.chainFile(),
            "spring.ssl.bundle.pem.sb.keystore.private-key=file:" + certs.keyFile())
        .run(ctx -> {
          Server server = ctx.getBean(Server.class);
          assertThat(server.options().tls()).isNotNull();
          HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext())
              .connectTimeout(Duration.ofSeconds(20)).build();
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + server.port() + "/socket.io/?EIO=4&transport=polling"))
              .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).startsWith("0{\"sid\":");
        });
  }
}
