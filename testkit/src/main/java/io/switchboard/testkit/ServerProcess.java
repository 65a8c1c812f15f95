package io.switchboard.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server jar running in a child JVM, for tests that need a real process: one with a small heap under attack, one
 * killed with {@code kill -9}. It waits for the banner line that names the port, keeps draining the output (the last
 * lines stay readable for failure messages), and is stopped when the test JVM exits if the test forgot.
 *
 * <pre>{@code
 * try (ServerProcess chat = ServerProcess.builder(Path.of("target/switchboard-chat.jar"))
 *     .jvmArgs("-Xmx256m")
 *     .args("--port", "0", "--data", dir.toString())
 *     .banner(Pattern.compile("running at http://[^:]+:(\\d+)"))
 *     .start()) {
 *   int port = chat.port();
 *   ...
 *   chat.kill();                          // SIGKILL, as a crash would
 * }
 * }</pre>
 */
public final class ServerProcess implements AutoCloseable {
  private static final int KEPT_LINES = 200;

  private final Process process;
  private final int port;
  private final Deque<String> lastLines;
  private final Runnable onExit;

  private ServerProcess(Process process, int port, Deque<String> lastLines, Runnable onExit) {
    this.process = process;
    this.port = port;
    this.lastLines = lastLines;
    this.onExit = onExit;
  }

  /** A builder for {@code java [jvmArgs] -jar jar [args]}. */
  public static Builder builder(Path jar) {
    return new Builder(jar);
  }

  /** The port the banner named. */
  public int port() {
    return port;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines the process printed (stdout and stderr together), oldest first. */
  public List<String> output() {
    synchronized (lastLines) {
      return new ArrayList<>(lastLines);
    }
  }

  /** Whether any line printed so far (among the last ones kept) contains {@code text}. */
  public boolean printed(String text) {
    return output().stream().anyMatch(l -> l.contains(text));
  }

  /** Kills the process with SIGKILL and waits for it to be gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /**
   * Stops the process with SIGTERM (its shutdown hooks run), SIGKILL after {@code grace}; returns the exit code. What
   * the process prints while it stops stays readable ({@link #printed}): the signal goes through its
   * {@link ProcessHandle}, since {@link Process#destroy()} would also close the pipes it writes to.
   */
  public int stop(Duration grace) {
    process.toHandle().destroy();
    if (!awaitExit(grace)) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }
    return process.exitValue();
  }

  /** Waits for the process to end by itself; whether it did within {@code timeout}. */
  public boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  @Override
  public void close() {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(10));
    }
    LocalServers.forget(onExit);
  }

  /** Builds and starts a {@link ServerProcess}. */
  public static final class Builder {
    private final Path jar;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private Pattern banner = Pattern.compile("https?://[^\\s:/]+:(\\d+)");
    private Duration startTimeout = Duration.ofSeconds(60);
    private Path workingDirectory;

    private Builder(Path jar) {
      this.jar = Objects.requireNonNull(jar, "jar");
    }

    /** JVM options such as {@code -Xmx256m}. */
    public Builder jvmArgs(String... jvmArgs) {
      this.jvmArgs.addAll(List.of(jvmArgs));
      return this;
    }

    /** The program's arguments. */
    public Builder args(String... args) {
      this.args.addAll(List.of(args));
      return this;
    }

    /** The line that says the server listens; its first group is the port. Default: the first {@code http://host:N}. */
    public Builder banner(Pattern banner) {
      this.banner = Objects.requireNonNull(banner, "banner");
      return this;
    }

    /** How long to wait for the banner; default 60 s. */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /** The folder the process runs in; default the test's own. */
    public Builder workingDirectory(Path workingDirectory) {
      this.workingDirectory = workingDirectory;
      return this;
    }

    /** Starts the process and waits for its banner; fails with the output if it exits or stays silent. */
    public ServerProcess start() {
      if (!jar.toFile().isFile()) {
        throw new IllegalStateException("no jar at " + jar.toAbsolutePath() + " (run mvn package first)");
      }
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmArgs);
      command.add("-jar");
      command.add(jar.toString());
      command.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (workingDirectory != null) {
        pb.directory(workingDirectory.toFile());
      }
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + command, e);
      }
      Runnable onExit = process::destroyForcibly;
      LocalServers.onExit(onExit);
      Deque<String> lines = new ArrayDeque<>();
      CompletableFuture<Integer> port = new CompletableFuture<>();
      Thread reader = new Thread(() -> drain(process, lines, port), "server-process-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      try {
        int p = port.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        return new ServerProcess(process, p, lines, onExit);
      } catch (TimeoutException | ExecutionException | InterruptedException e) {
        process.destroyForcibly();
        LocalServers.forget(onExit);
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        List<String> out;
        synchronized (lines) {
          out = new ArrayList<>(lines);
        }
        throw new IllegalStateException("server " + jar.getFileName() + " did not print its banner within "
            + startTimeout + "; output:\n" + String.join("\n", out), e);
      }
    }

    private void drain(Process process, Deque<String> lines, CompletableFuture<Integer> port) {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > KEPT_LINES) {
              lines.removeFirst();
            }
          }
          if (!port.isDone()) {
            Matcher m = banner.matcher(line);
            if (m.find()) {
              port.complete(Integer.parseInt(m.group(1)));
            }
          }
        }
      } catch (IOException e) {
        // the process is gone; what it printed is kept
      }
      port.completeExceptionally(new IllegalStateException("the process exited with "
          + (process.isAlive() ? "?" : process.exitValue())));
    }
  }
}
