package io.switchboard.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the CPU time and memory of one or more server processes (summed) from {@code /proc}: CPU from
 * {@code /proc/<pid>/stat} (user + system ticks of every thread), RSS from {@code /proc/<pid>/status}, and the live
 * heap of a JVM after a full GC (through {@code jcmd GC.class_histogram}).
 *
 * <pre>{@code
 * ProcessProbe p = new ProcessProbe(pid);
 * double before = p.cpuSeconds();
 * ...
 * double used = p.cpuSeconds() - before;
 * }</pre>
 */
final class ProcessProbe {
  /** USER_HZ: /proc reports CPU time in these ticks per second (100 on Linux x86_64). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long[] pids;

  /** Probes the processes {@code pids}; zeros are left out. */
  ProcessProbe(long... pids) {
    this.pids = Arrays.stream(pids).filter(p -> p > 0).toArray();
  }

  /** Whether there is a process to probe. */
  boolean enabled() {
    for (long pid : pids) {
      if (!Files.exists(Path.of("/proc/" + pid + "/stat"))) {
        return false;
      }
    }
    return pids.length > 0;
  }

  /** User + system CPU seconds the processes have used so far, or -1. */
  double cpuSeconds() {
    if (!enabled()) {
      return -1;
    }
    double sum = 0;
    for (long pid : pids) {
      double c = cpuSeconds(pid);
      if (c < 0) {
        return -1;
      }
      sum += c;
    }
    return sum;
  }

  /** Resident set size in bytes, summed, or -1. */
  long rssBytes() {
    if (!enabled()) {
      return -1;
    }
    long sum = 0;
    for (long pid : pids) {
      long r = rssBytes(pid);
      if (r < 0) {
        return -1;
      }
      sum += r;
    }
    return sum;
  }

  /** Whether every process is a JVM (its command line names java). */
  boolean isJvm() {
    if (!enabled()) {
      return false;
    }
    for (long pid : pids) {
      if (!isJvm(pid)) {
        return false;
      }
    }
    return true;
  }

  /** The bytes of live objects after a full GC, summed over the processes, or -1. */
  long liveHeapBytes() {
    if (!isJvm()) {
      return -1;
    }
    long sum = 0;
    for (long pid : pids) {
      long h = liveHeapBytes(pid);
      if (h < 0) {
        return -1;
      }
      sum += h;
    }
    return sum;
  }

  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      // the command name (field 2) may hold spaces; fields after the closing parenthesis are plain
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);  // field 14 of the whole line
      long stime = Long.parseLong(f[12]);  // field 15
      return (utime + stime) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static boolean isJvm(long pid) {
    try {
      String cmd = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
      return cmd.contains("java");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Live bytes after a full GC: for this process, the memory bean after {@code System.gc()}; for another,
   * {@code jcmd <pid> GC.class_histogram} (bounded to 60 s).
   */
  private static long liveHeapBytes(long pid) {
    if (pid == ProcessHandle.current().pid()) {
      System.gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    try {
      Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
          .redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return -1;
      }
      List<String> lines = new String(out, StandardCharsets.UTF_8).lines().toList();
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i).trim();
        if (l.startsWith("Total")) {
          String[] f = l.split("\\s+");
          return Long.parseLong(f[2]);
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
