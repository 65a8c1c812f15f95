package io.switchboard.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own on a free port, which the test can stop and start again on the same port.
 *
 * <pre>{@code
 * try (RedisProcess redis = RedisProcess.start()) {
 *   redis.stop();
 *   redis.restart();
 * }
 * }</pre>
 */
final class RedisProcess implements AutoCloseable {
  private final int port;
  private Process process;

  private RedisProcess(int port) {
    this.port = port;
  }

  static RedisProcess start() {
    RedisProcess r = new RedisProcess(freePort());
    r.restart();
    return r;
  }

  int port() {
    return port;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) and waits until it answers PING. */
  void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    try {
      process = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--loglevel", "warning"))
          .redirectErrorStream(true)
          .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "sbt-redis-" + port + ".log"))
          .start();
    } catch (IOException e) {
      throw new AssertionError("cannot start redis-server (is it installed?)", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!"+PONG".equals(command("PING"))) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new AssertionError("redis-server on port " + port + " did not start");
      }
      pause();
    }
  }

  /** Stops the server and waits until it is gone. */
  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Sends one inline command and returns the first reply line, or {@code null} if the server cannot be reached. */
  String command(String inline) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      stop();
    }
  }
}
