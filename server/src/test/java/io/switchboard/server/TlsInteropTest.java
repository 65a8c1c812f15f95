package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.engine.TlsOptions;
import io.switchboard.engine.TlsProvider;
import io.switchboard.testkit.TestCertificates;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The npm socket.io-client over {@code wss://} and over polling on {@code https://}, trusting a test CA, across a
 * certificate renewal: the connected clients keep talking, new connections get the new certificate.
 */
class TlsInteropTest {
  @TempDir
  Path dir;

  private Server io;

  @AfterEach
  void stop() {
    if (io != null) {
      io.close();
    }
  }

  @Test
  void nodeClientsOverWssAndHttpsPollingSurviveACertificateReload() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    io = new Server(ServerOptions.builder()
        .tls(TlsOptions.builder().pem(certs.chainFile(), certs.keyFile()).provider(TlsProvider.AUTO).build())
        .build());
    io.onConnection(s -> s.on("echo", (args, ack) -> ack.send(args.get(0, String.class))));
    io.listen(new InetSocketAddress("127.0.0.1", 0));
    String url = "https://127.0.0.1:" + io.port();
    String ca = certs.caFile().toString();
    try (NodeClient ws = NodeClient.start(url, "/", "--transports", "websocket", "--ca", ca);
        NodeClient polling = NodeClient.start(url, "/", "--transports", "polling", "--ca", ca);
        NodeClient untrusting = NodeClient.start(url, "/", "--transports", "websocket")) {
      assertThat(ws.connected().get("transport").asText()).isEqualTo("websocket");
      assertThat(polling.connected().get("transport").asText()).isEqualTo("polling");
      assertThat(untrusting.await("connect_error").get("message").asText()).isEqualTo("websocket error");
      assertEcho(ws, 1, "before");
      assertEcho(polling, 2, "before");

      BigInteger renewed = certs.renew().getSerialNumber();
      assertThat(io.reloadCertificates()).isTrue();

      assertEcho(ws, 3, "after");
      assertEcho(polling, 4, "after"); // new long-poll requests, maybe on new connections: the same CA signed both
      try (SSLSocket s = (SSLSocket) certs.clientContext().getSocketFactory().createSocket("127.0.0.1", io.port())) {
        s.setSoTimeout(10_000);
        s.startHandshake();
        assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(renewed);
      }
      try (NodeClient fresh = NodeClient.start(url, "/", "--transports", "websocket", "--ca", ca)) {
        fresh.connected();
        assertEcho(fresh, 5, "new");
      }
    }
  }

  private static void assertEcho(NodeClient client, int ref, String text) {
    client.emitWithAck(ref, "echo", text);
    JsonNode ack = client.await(e -> "ack".equals(e.path("event").asText()) && e.path("ref").asInt() == ref);
    assertThat(ack.get("args").get(0).asText()).isEqualTo(text);
  }
}
