package io.switchboard.bench;

import io.switchboard.bench.attack.AttackMain;
import io.switchboard.bench.load.LoadGenerator;
import io.switchboard.bench.report.Report;
import io.switchboard.bench.servers.RawNettyServer;
import io.switchboard.bench.servers.SwitchboardBenchServer;
import java.util.Arrays;

/**
 * The bench jar's entry point: one sub-command per tool.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar server --port 3000          # Switchboard with the bench contract
 * java -jar bench/target/switchboard-bench.jar raw-server --port 3001      # the raw-Netty floor
 * java -jar bench/target/switchboard-bench.jar load echo --port 3000       # one scenario, one JSON line per round
 * java -jar bench/target/switchboard-bench.jar crowd-merge gen-*.json      # the crowd generators' lines summed
 * java -jar bench/target/switchboard-bench.jar jmh -f 1 -wi 2 -i 3         # the JMH micro-benchmarks
 * java -jar bench/target/switchboard-bench.jar report results/ docs/benchmarks.md
 * java -jar bench/target/switchboard-bench.jar footprint 10000        # heap per Socket.IO decoder (one per client)
 * java -jar bench/target/switchboard-bench.jar attack idle-tcp --port 3000 --count 5000   # a bounded loopback attack
 * java -jar bench/target/switchboard-bench.jar tls-handshake --handshakes 500 --rounds 5   # server CPU per handshake
 * }</pre>
 */
public final class Main {
  private Main() {}

  public static void main(String... args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: server | raw-server | load <scenario> | jmh [args] | report <dir> <doc> | footprint [n]"
          + " | attack <kind> | tls-handshake [--handshakes n --rounds n --warmup n --clients n]");
      System.exit(2);
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "server" -> SwitchboardBenchServer.main(rest);
      case "raw-server" -> RawNettyServer.main(rest);
      case "load" -> LoadGenerator.main(rest);
      case "crowd-merge" -> LoadGenerator.crowdMerge(rest);
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "report" -> Report.main(rest);
      case "footprint" -> DecoderFootprint.main(rest);
      case "attack" -> AttackMain.main(rest);
      case "tls-handshake" -> TlsHandshakeCost.main(rest);
      case "transport" -> System.out.println(NettyTransport.pick("auto").label()
          + (NettyTransport.epollUnavailabilityCause() == null ? "" : " (" + NettyTransport.epollUnavailabilityCause() + ")")
          + "; io_uring " + (NettyTransport.pick("io_uring") == NettyTransport.IO_URING ? "available" : "unavailable"));
      default -> {
        System.err.println("unknown command " + args[0]);
        System.exit(2);
      }
    }
  }
}
