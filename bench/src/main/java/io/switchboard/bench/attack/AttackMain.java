package io.switchboard.bench.attack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * The attack tool's entry point: runs one bounded attack against a server on this machine and prints one JSON line of
 * results on standard output and a human summary on standard error.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar attack idle-tcp  --port 3000 --count 5000 --hold-s 60
 * java -jar bench/target/switchboard-bench.jar attack slowloris --port 3000 --count 2000 --interval-s 5 --hold-s 120
 * java -jar bench/target/switchboard-bench.jar attack ws-burst  --port 3000 --count 10000
 * java -jar bench/target/switchboard-bench.jar attack memory    --port 3000 --count 1000 --attachments 10 \
 *     --size 1000000 --hold-s 60 --server-pid 1234 --probe-socketio
 * }</pre>
 *
 * <p>The kinds:
 * <ul>
 *   <li>{@code idle-tcp}: {@code --count N} TCP connections that send nothing; for each, when (ms after the connect)
 *   the server closed it (eof or reset), or that it was refused or closed at once (within 100 ms).</li>
 *   <li>{@code slowloris}: N connections that each send one byte of a never-ending request head
 *   ({@code GET <path>?EIO=4&transport=polling …}, then {@code X-a: b} lines) every {@code --interval-s I}; as
 *   {@code idle-tcp}, plus the HTTP status the server answered (e.g. 408).</li>
 *   <li>{@code ws-burst}: N WebSocket upgrades to {@code --path} ({@code /socket.io/?EIO=4&transport=websocket} by
 *   default) as fast as {@code --concurrency} allows; each answer classified (see {@link WsBurstAttack}); the
 *   connections that stay open are closed at the end.</li>
 *   <li>{@code memory}: N WebSocket sessions that announce a binary event with {@code --attachments K} placeholders,
 *   send K-1 binary frames of {@code --size B} bytes and never CONNECT (see {@link MemoryAttack}).</li>
 * </ul>
 *
 * <p>Common options: {@code --host} (127.0.0.0/8, ::1 or localhost only; anything else is refused),
 * {@code --port 3000}, {@code --count} (1000; memory 100), {@code --hold-s} (30; ws-burst 0),
 * {@code --concurrency 500} (connections in their opening phase at once), {@code --open-timeout-s 60},
 * {@code --answer-timeout-s 10}, {@code --source 127.0.0.2} (another source address for more than ~28,000 connections
 * from two processes), {@code --probe-ms 500} (0: no probes), {@code --probe-timeout-ms 5000},
 * {@code --probe-socketio} (each probe also does a Socket.IO CONNECT over WebSocket), {@code --server-pid PID} (samples
 * the server's RSS). One process holds at most about 19,000 sockets (20,000 descriptors); a run that would need more
 * is refused before it starts.
 */
public final class AttackMain {
  private AttackMain() {}

  /** Runs {@code options}; returns the result line and writes the human summary to standard error. */
  public static String run(AttackOptions options) throws Exception {
    Attack attack = Attack.of(options);
    ObjectNode result = attack.run();
    System.err.println(attack.humanSummary(result));
    return Attack.JSON.writeValueAsString(result);
  }

  /** {@code <kind> --option value…}. */
  public static void main(String... args) throws Exception {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println("usage: attack idle-tcp|slowloris|ws-burst|memory --port N [--host 127.0.0.1] [--count N]"
          + " [--hold-s S] [--interval-s I] [--attachments K --size B] [--probe-socketio] [--server-pid PID] …");
      System.exit(2);
    }
    AttackOptions o;
    try {
      o = AttackOptions.parse(args[0], Arrays.copyOfRange(args, 1, args.length));
      Attack.checkDescriptors(o.count());
    } catch (IllegalArgumentException e) {
      System.err.println("attack: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.println(run(o));
  }
}
