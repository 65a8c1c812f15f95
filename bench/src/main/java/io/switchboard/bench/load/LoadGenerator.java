package io.switchboard.bench.load;

import java.util.Arrays;

/**
 * The load generator's entry point: runs one scenario against a running server and prints one JSON line of results on
 * standard output.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar load fanout --port 3000 --server-pid 1234 --label switchboard
 * }</pre>
 */
public final class LoadGenerator {
  private LoadGenerator() {}

  /** Runs {@code options} and returns the result line. */
  public static String run(LoadOptions options) throws Exception {
    return Scenario.named(options.scenario()).run(options).toString();
  }

  /** {@code <scenario> --option value…}. */
  public static void main(String... args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: load connect|fanout|echo|slow [--port 3000] [--server-pid PID] [--clients N] …");
      System.exit(2);
    }
    LoadOptions o = LoadOptions.parse(args[0], Arrays.copyOfRange(args, 1, args.length));
    System.out.println(run(o));
  }
}
