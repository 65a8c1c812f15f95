package io.switchboard.redis.demo;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.redis.RedisMode;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.testkit.Await;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures a broadcast through Redis: one-way latency from server A to a client of server B (against a client of A
 * itself), and how many broadcasts per second cross from A to B's client.
 *
 * <pre>{@code
 * mvn -q -pl redis exec:java -Dexec.mainClass=io.switchboard.redis.demo.BroadcastMeasurement -Dexec.args="classic"
 * }</pre>
 */
public final class BroadcastMeasurement {
  private BroadcastMeasurement() {}

  public static void main(String[] args) throws Exception {
    RedisMode mode = args.length > 0 && args[0].equals("sharded") ? RedisMode.SHARDED : RedisMode.CLASSIC;
    String uri = args.length > 1 ? args[1] : "redis://127.0.0.1:6379";
    RedisAdapterOptions opts = RedisAdapterOptions.builder().key("measure-" + UUID.randomUUID()).mode(mode).build();
    try (RedisAdapterFactory fa = RedisAdapterFactory.create(uri, opts);
        RedisAdapterFactory fb = RedisAdapterFactory.create(uri, opts)) {
      Server a = new Server(ServerOptions.builder().adapter(fa).build()).listen(new InetSocketAddress("127.0.0.1", 0));
      Server b = new Server(ServerOptions.builder().adapter(fb).build()).listen(new InetSocketAddress("127.0.0.1", 0));
      try {
        Await.until("A counts two servers", Duration.ofSeconds(20),
            () -> a.sockets().adapter().serverCount().toCompletableFuture().join() >= 2);
        Socket local = connect(a.port());
        Socket remote = connect(b.port());
        System.out.println("mode " + mode);
        System.out.println("same server  " + latency(a, local, "l"));
        System.out.println("across Redis " + latency(a, remote, "r"));
        System.out.println("throughput   " + throughput(a, remote, fa));
        local.close();
        remote.close();
      } finally {
        a.close();
        b.close();
      }
    }
    System.exit(0);
  }

  private static Socket connect(int port) throws InterruptedException {
    IO.Options o = IO.Options.builder().setForceNew(true).setTransports(new String[] {"websocket"}).build();
    Socket s = IO.socket(URI.create("http://127.0.0.1:" + port), o);
    CountDownLatch up = new CountDownLatch(1);
    s.on(Socket.EVENT_CONNECT, x -> up.countDown());
    s.connect();
    if (!up.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no connection");
    }
    return s;
  }

  private static String latency(Server from, Socket to, String tag) throws InterruptedException {
    int n = 2000;
    long[] samples = new long[n];
    AtomicInteger got = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    to.on("t" + tag, x -> {
      long sent = ((Number) x[0]).longValue();
      int i = got.getAndIncrement();
      if (i < n) {
        samples[i] = System.nanoTime() - sent;
      }
      if (i == n - 1) {
        done.countDown();
      }
    });
    Thread.sleep(200);
    for (int i = 0; i < n; i++) {
      from.emit("t" + tag, System.nanoTime());
      Thread.sleep(1);
    }
    if (!done.await(30, TimeUnit.SECONDS)) {
      return "only " + got.get() + " of " + n + " arrived";
    }
    Arrays.sort(samples);
    return String.format("one-way latency over %d broadcasts: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms",
        n, ms(samples[n / 2]), ms(samples[n * 9 / 10]), ms(samples[n * 99 / 100]), ms(samples[n - 1]));
  }

  private static String throughput(Server from, Socket to, RedisAdapterFactory fromRedis) throws InterruptedException {
    int n = 100_000;
    AtomicInteger got = new AtomicInteger();
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
    to.on("burst", x -> {
      got.incrementAndGet();
      last.set(System.nanoTime());
    });
    long refusedBefore = fromRedis.refusedCommands();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      from.emit("burst", i, "payload-of-some-thirty-bytes..");
    }
    long sent = System.nanoTime();
    int seen = -1;
    while (got.get() != seen && got.get() < n) { // until everything arrived or nothing more came for 2 s
      seen = got.get();
      Thread.sleep(2000);
    }
    long refused = fromRedis.refusedCommands() - refusedBefore;
    long end = last.get();
    return String.format("%d broadcasts sent in %.0f ms (%.0f/s), %d refused by the pending bound; %d received by"
        + " B's client, the last %.0f ms after the first send (%.0f/s)", n, ms(sent - start),
        n / ((sent - start) / 1e9), refused, got.get(), ms(end - start), got.get() / ((end - start) / 1e9));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
