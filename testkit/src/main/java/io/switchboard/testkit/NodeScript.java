package io.switchboard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Node.js script from {@code interop/scripts/} running as a child process, whose stdout JSON lines are read as a
 * stream of events.
 *
 * <pre>{@code
 * try (NodeScript client = NodeScript.start("eio-client.mjs", "--url", url, "--transports", "websocket",
 *     "--send", "text:hello")) {
 *   client.await(NodeScript.event("open"), Duration.ofSeconds(10));
 *   JsonNode echo = client.await(NodeScript.event("message"), Duration.ofSeconds(10));
 *   assertThat(echo.get("data").asText()).isEqualTo("hello");
 * }
 * }</pre>
 *
 * <p>Each stdout line is parsed as JSON; a line that is not JSON becomes {@code {"event":"stdout","line":...}}.
 * {@link #await} consumes events in order until one matches, so events are never seen twice. Closing kills the process
 * (and its children). Needs {@code node} on the PATH (or {@code -Dswitchboard.node=/path/to/node}) and
 * {@code interop/node_modules} (run {@code npm ci} in {@code interop/}).
 */
public final class NodeScript implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STDERR_LIMIT = 16 * 1024;

  private final String description;
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
  private final List<JsonNode> seen = Collections.synchronizedList(new ArrayList<>());
  private final StringBuilder stderr = new StringBuilder();
  private final Thread stdoutReader;
  private final Thread stderrReader;
  private volatile boolean ended;

  private NodeScript(String description, Process process) {
    this.description = description;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.stdoutReader = new Thread(this::readStdout, "node-stdout " + description);
    this.stderrReader = new Thread(this::readStderr, "node-stderr " + description);
    stdoutReader.setDaemon(true);
    stderrReader.setDaemon(true);
    stdoutReader.start();
    stderrReader.start();
  }

  /** Starts {@code node interop/scripts/<script> args...} in the repository root. */
  public static NodeScript start(String script, String... args) {
    return start(script, List.of(args));
  }

  /** Starts {@code node interop/scripts/<script> args...} in {@code interop/}. */
  public static NodeScript start(String script, List<String> args) {
    return startFile(RepositoryRoot.find().resolve("interop/scripts").resolve(script), args);
  }

  /**
   * Starts {@code node <file> args...} for a script kept elsewhere (e.g. a module's {@code src/test/node/}), in
   * {@code interop/}, so that {@code createRequire(process.cwd() + "/package.json")} finds the pinned packages.
   */
  public static NodeScript startFile(Path file, List<String> args) {
    Path interop = RepositoryRoot.find().resolve("interop");
    if (!Files.isDirectory(interop.resolve("node_modules"))) {
      throw new IllegalStateException(interop.resolve("node_modules") + " is missing: run npm ci in interop/ "
          + "(cd " + interop + " && npm ci)");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such script: " + file);
    }
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("switchboard.node", "node"));
    command.add(file.toAbsolutePath().toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(interop.toFile());
    String description = describe(file.getFileName().toString(), args);
    try {
      return new NodeScript(description, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + description + " (is node on the PATH?)", e);
    }
  }

  private static String describe(String script, List<String> args) {
    StringBuilder b = new StringBuilder(script);
    for (String a : args) {
      b.append(' ').append(a.length() > 60 ? a.substring(0, 60) + "…(" + a.length() + " chars)" : a);
    }
    return b.toString();
  }

  /** A predicate matching events whose {@code event} field is {@code name}. */
  public static Predicate<JsonNode> event(String name) {
    return e -> name.equals(e.path("event").asText(null));
  }

  /** A predicate matching events whose {@code event} field is {@code name} and whose {@code field} is {@code value}. */
  public static Predicate<JsonNode> event(String name, String field, String value) {
    return e -> name.equals(e.path("event").asText(null)) && value.equals(e.path(field).asText(null));
  }

  /**
   * Consumes events until one matches and returns it; throws {@link AssertionError} naming what was seen if none
   * matches within {@code timeout} or the process ends first.
   */
  public JsonNode await(Predicate<JsonNode> predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode e;
      try {
        e = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for an event from " + description, ie);
      }
      if (e == null) {
        throw new AssertionError("no matching event from " + description + " within " + timeout
            + "; skipped " + skipped + diagnostics());
      }
      if (e.path("event").asText("").equals("$end")) {
        queue.add(e); // keep the end marker for later calls
        throw new AssertionError("node " + description + " ended (exit code " + exitCodeOrNull()
            + ") before a matching event; skipped " + skipped + diagnostics());
      }
      if (predicate.test(e)) {
        return e;
      }
      skipped.add(brief(e));
    }
  }

  private static String brief(JsonNode e) {
    String s = e.toString();
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  /** Consumes {@code n} events matching {@code predicate}, in order, skipping others. */
  public List<JsonNode> await(int n, Predicate<JsonNode> predicate, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<JsonNode> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(await(predicate, Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
    }
    return out;
  }

  /** Writes one JSON command line to the script's stdin. */
  public void send(ObjectNode command) {
    try {
      writeLine(JSON.writeValueAsString(command));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Writes one line to the script's stdin. */
  public void writeLine(String line) {
    try {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + description + diagnostics(), e);
    }
  }

  /** A new empty JSON object, to build a command for {@link #send(ObjectNode)}. */
  public static ObjectNode command() {
    return JSON.createObjectNode();
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node " + description + " still running after " + timeout + diagnostics());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  /** Every event read so far, including those not yet consumed by {@link #await}. */
  public List<JsonNode> events() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** What the script has written to stderr so far (at most the last 16 KiB). */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** Whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Kills the process with SIGKILL at once, its stdin still open (so it gets no chance to shut down cleanly), as a
   * crash would, and waits for it to end. {@link #events()} stays readable.
   */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the process and its children, and waits for them to end. */
  @Override
  public void close() {
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the process may already be gone
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      stdoutReader.join(2000);
      stderrReader.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "NodeScript[" + description + "]";
  }

  private void readStdout() {
    try (BufferedReader r = reader(process.getInputStream())) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode e;
        try {
          e = JSON.readTree(line);
          if (!e.isObject()) {
            e = JSON.createObjectNode().put("event", "stdout").put("line", line);
          }
        } catch (JsonProcessingException notJson) {
          e = JSON.createObjectNode().put("event", "stdout").put("line", line);
        }
        seen.add(e);
        queue.add(e);
      }
    } catch (IOException e) {
      // the stream closes when the process is killed
    } finally {
      ended = true;
      queue.add(JSON.createObjectNode().put("event", "$end"));
    }
  }

  private void readStderr() {
    try (BufferedReader r = reader(process.getErrorStream())) {
      String line;
      while ((line = r.readLine()) != null) {
        synchronized (stderr) {
          stderr.append(line).append('\n');
          if (stderr.length() > STDERR_LIMIT) {
            stderr.delete(0, stderr.length() - STDERR_LIMIT);
          }
        }
      }
    } catch (IOException e) {
      // the stream closes when the process is killed
    }
  }

  private static BufferedReader reader(InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private Integer exitCodeOrNull() {
    try {
      process.waitFor(500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.isAlive() ? null : process.exitValue();
  }

  private String diagnostics() {
    String err = stderr();
    return (ended ? "; stdout ended" : "") + (err.isEmpty() ? "" : "; stderr:\n" + err);
  }
}
