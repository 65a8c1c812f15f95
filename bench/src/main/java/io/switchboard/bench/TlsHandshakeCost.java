package io.switchboard.bench;

import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.engine.TlsOptions;
import io.switchboard.engine.TlsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's CPU per TLS handshake, OpenSSL against the JDK, for an EC P-256 and an RSA 2048 certificate: an
 * {@link HttpServer} with one worker event loop serves full handshakes (a new client context each time, so nothing is
 * resumed), each followed by one HTTP request, from a few client threads in the same process; the server's CPU is the
 * CPU time of its event loop threads (ThreadMXBean), divided by the handshakes. Warm-up first, then several rounds;
 * prints the median and the range.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar tls-handshake --handshakes 500 --rounds 5 --warmup 500 --clients 2
 * }</pre>
 */
public final class TlsHandshakeCost {
  private TlsHandshakeCost() {}

  public static void main(String... args) throws Exception {
    int handshakes = 500;
    int rounds = 5;
    int warmup = 500;
    int clients = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--handshakes" -> handshakes = v;
        case "--rounds" -> rounds = v;
        case "--warmup" -> warmup = v;
        case "--clients" -> clients = v;
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    System.out.printf("TLS handshake + one request, %d handshakes x %d rounds after %d warm-up, %d client threads; "
        + "OpenSSL available: %s; load average %.2f%n", handshakes, rounds, warmup, clients,
        TlsProvider.openSslAvailable(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Path dir = Files.createTempDirectory("tls-bench");
    run(null, "-", null, handshakes, rounds, warmup, clients); // plain TCP + the request: the floor
    for (String key : new String[] {"EC", "RSA"}) {
      Path store = keyStore(dir, key);
      for (TlsProvider provider : new TlsProvider[] {TlsProvider.OPENSSL, TlsProvider.JDK}) {
        run(store, key, provider, handshakes, rounds, warmup, clients);
      }
    }
    System.out.printf("load average at the end %.2f%n", ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage());
  }

  private static void run(Path store, String key, TlsProvider provider, int handshakes, int rounds, int warmup,
      int clients) throws Exception {
    char[] password = "changeit".toCharArray();
    HttpServerOptions options = HttpServerOptions.builder().threads(1)
        .maxConnections(0).maxConnectionsPerIp(0).connectRatePerIp(0, 0)
        .tls(store == null ? null : TlsOptions.builder().keyStore(store, password).provider(provider).build())
        .build();
    TrustManagerFactory tmf = null;
    if (store != null) {
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(KeyStore.getInstance(store.toFile(), password));
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients, r -> new Thread(r, "tls-bench-client"));
    try (HttpServer server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), options, p -> { })) {
      batch(server.port(), tmf, warmup, clients, pool);
      double[] cpuMicros = new double[rounds];
      double[] perSecond = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long cpu0 = serverCpuNanos();
        long t0 = System.nanoTime();
        batch(server.port(), tmf, handshakes, clients, pool);
        long wall = System.nanoTime() - t0;
        cpuMicros[r] = (serverCpuNanos() - cpu0) / 1e3 / handshakes;
        perSecond[r] = handshakes / (wall / 1e9);
      }
      System.out.printf("%-4s %-8s server CPU per connection: median %.0f µs (range %.0f-%.0f); handshakes/s: median "
          + "%.0f (range %.0f-%.0f); %s%n", key, provider == null ? "plain" : provider, median(cpuMicros), min(cpuMicros), max(cpuMicros),
          median(perSecond), min(perSecond), max(perSecond), store == null ? "plain HTTP" : server.tlsProvider());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void batch(int port, TrustManagerFactory tmf, int n, int clients, ExecutorService pool)
      throws Exception {
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int share = n / clients + (c < n % clients ? 1 : 0);
      done.add(pool.submit(() -> {
        for (int i = 0; i < share; i++) {
          handshake(port, tmf);
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(10, TimeUnit.MINUTES);
    }
  }

  /** One full handshake (a fresh client context: no session to resume) and one request answered 404. */
  private static void handshake(int port, TrustManagerFactory tmf) throws Exception {
    if (tmf == null) {
      try (java.net.Socket s = new java.net.Socket("localhost", port)) {
        exchange(s);
      }
      return;
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), new SecureRandom());
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout(30_000);
      s.startHandshake();
      exchange(s);
    }
  }

  private static void exchange(java.net.Socket s) throws IOException {
    {
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      while (in.read(buf) >= 0) {
        // to the server's close
      }
    }
  }

  /** CPU time of the server's Netty threads (the client threads have other names). */
  private static long serverCpuNanos() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("EventLoopGroup")) {
        long t = threads.getThreadCpuTime(info.getThreadId());
        if (t > 0) {
          sum += t;
        }
      }
    }
    return sum;
  }

  /** A PKCS#12 key store with a self-signed certificate for localhost, made by the JDK's keytool. */
  private static Path keyStore(Path dir, String key) throws IOException, InterruptedException {
    Path file = dir.resolve(key.toLowerCase() + ".p12");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "server", "-keyalg", key, "-dname", "CN=localhost",
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", file.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit"));
    cmd.addAll(key.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    return file;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }
}
