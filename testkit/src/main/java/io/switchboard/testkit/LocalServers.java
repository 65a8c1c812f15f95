package io.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@link TestRedis} and {@link TestPostgres} share about the server processes they start: free ports, one JVM
 * shutdown hook that stops what is still running and deletes the temporary folders, and reading a log's tail.
 *
 * <pre>{@code
 * int port = LocalServers.freePort();
 * LocalServers.onExit(() -> process.destroy());
 * }</pre>
 */
final class LocalServers {
  private static final Set<Runnable> AT_EXIT = new LinkedHashSet<>();
  private static boolean hooked;

  private LocalServers() {}

  /** The system property that skips the local servers and the binaries on the PATH. */
  static final String FORCE_EMBEDDED = "switchboard.test.forceEmbedded";

  /** Whether {@code -Dswitchboard.test.forceEmbedded=true} asks for the Maven-shipped binaries only. */
  static boolean forceEmbedded() {
    return Boolean.getBoolean(FORCE_EMBEDDED);
  }

  /** A TCP port nobody listened on a moment ago. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code action} when the JVM exits (last registered, first run); {@link #forget} removes it. */
  static synchronized void onExit(Runnable action) {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(LocalServers::runAll, "switchboard-test-servers-stop"));
      hooked = true;
    }
    AT_EXIT.add(action);
  }

  static synchronized void forget(Runnable action) {
    AT_EXIT.remove(action);
  }

  private static void runAll() {
    List<Runnable> actions;
    synchronized (LocalServers.class) {
      actions = new ArrayList<>(AT_EXIT);
      AT_EXIT.clear();
    }
    for (int i = actions.size() - 1; i >= 0; i--) {
      try {
        actions.get(i).run();
      } catch (RuntimeException e) {
        System.err.println("switchboard testkit: at exit: " + e);
      }
    }
  }

  /** Deletes {@code dir} and everything under it, quietly: a leftover temporary file is no failure. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // left for the OS to clean with the rest of the temporary folder
        }
      });
    } catch (IOException | UncheckedIOException ignored) {
      // same
    }
  }

  /** The last {@code lines} lines of a log file, for an error message. */
  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
