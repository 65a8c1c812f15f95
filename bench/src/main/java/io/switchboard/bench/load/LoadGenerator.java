package io.switchboard.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/**
 * The load generator's entry point: runs one scenario against a running server and prints one JSON line of results per
 * measured round ({@code --rounds N}, after one warm-up) on standard output.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar load fanout --port 3000 --server-pid 1234 --label switchboard
 * }</pre>
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /**
   * Runs {@code options} and returns the result lines, one per measured round, separated by newlines; first waits
   * (within the connect bound) for the server.
   */
  public static String run(LoadOptions options) throws Exception {
    long deadline = System.nanoTime() + options.connectTimeout().toNanos();
    awaitPort(options.host(), options.port(), deadline);
    if (options.port2() > 0) {
      awaitPort(options.host(), options.port2(), deadline);
    }
    StringBuilder out = new StringBuilder();
    for (JsonLine line : Scenario.named(options.scenario()).run(options)) {
      out.append(out.isEmpty() ? "" : "\n").append(line);
    }
    return out.toString();
  }

  private static void awaitPort(String host, int port, long deadline) throws InterruptedException {
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 1000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no server on " + host + ":" + port, e);
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * {@code crowd-merge <file>…}: the lines of every generator of one {@code crowd} run summed per round.
   *
   * @param files the generators' outputs
   * @throws IOException when a file cannot be read
   */
  public static void crowdMerge(String... files) throws IOException {
    CrowdScenario.mergeMain(files);
  }

  /** {@code <scenario> --option value…}. */
  public static void main(String... args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: load connect|fanout|echo|slow [--port 3000] [--server-pid PID] [--clients N]"
          + " [--payload BYTES] [--padding letters|words] [--deflate] [--rounds N] [--warmup-ms MS] [--duration-ms MS] …");
      System.exit(2);
    }
    LoadOptions o = LoadOptions.parse(args[0], Arrays.copyOfRange(args, 1, args.length));
    System.out.println(run(o));
  }
}
