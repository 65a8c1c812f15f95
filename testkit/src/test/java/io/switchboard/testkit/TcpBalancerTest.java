package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpBalancerTest {
  /** A backend that answers each connection with its name, then echoes. */
  static final class Named implements AutoCloseable {
    final ServerSocket socket;

    Named(String name) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            s.getOutputStream().write((name + "\n").getBytes());
            s.getOutputStream().flush();
            Thread echo = new Thread(() -> {
              try (s) {
                s.getInputStream().transferTo(s.getOutputStream());
              } catch (IOException ignored) {
                // closed
              }
            });
            echo.setDaemon(true);
            echo.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static String firstLine(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5_000);
      InputStream in = s.getInputStream();
      StringBuilder b = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        b.append((char) c);
      }
      return b.toString();
    }
  }

  @Test
  void firstAvailableStaysOnTheFirstBackendUntilItRefuses() throws Exception {
    try (Named a = new Named("a"); Named b = new Named("b");
        TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.FIRST_AVAILABLE, a.port(), b.port())) {
      assertThat(firstLine(lb.port())).isEqualTo("a");
      assertThat(firstLine(lb.port())).isEqualTo("a");
      a.close();
      assertThat(firstLine(lb.port())).isEqualTo("b");
      assertThat(lb.refusedAttempts()).isEqualTo(1);
    }
  }

  @Test
  void roundRobinAlternatesAndSkipsARefusingBackend() throws Exception {
    try (Named a = new Named("a"); Named b = new Named("b"); Named c = new Named("c");
        TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.ROUND_ROBIN, a.port(), b.port(), c.port())) {
      assertThat(java.util.List.of(firstLine(lb.port()), firstLine(lb.port()), firstLine(lb.port())))
          .containsExactly("a", "b", "c");
      b.close();
      assertThat(java.util.List.of(firstLine(lb.port()), firstLine(lb.port()), firstLine(lb.port())))
          .containsExactly("a", "c", "c");
    }
  }

  @Test
  void bytesFlowBothWaysAndABackendThatGoesAwayClosesTheClient() throws Exception {
    try (Named a = new Named("a"); TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.FIRST_AVAILABLE, a.port());
        Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.port())) {
      s.setSoTimeout(5_000);
      s.getOutputStream().write("ping\n".getBytes());
      byte[] got = s.getInputStream().readNBytes("a\nping\n".length());
      assertThat(new String(got)).isEqualTo("a\nping\n");
      Await.until("one connection piped", Duration.ofSeconds(5), () -> lb.openSockets() == 2);
      lb.dropConnections();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void withNoBackendTheClientIsClosed() throws Exception {
    int unused;
    try (ServerSocket probe = new ServerSocket(0)) {
      unused = probe.getLocalPort();
    }
    try (TcpBalancer lb = TcpBalancer.start(TcpBalancer.Policy.ROUND_ROBIN, unused);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.port())) {
      s.setSoTimeout(5_000);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }
}
