package io.switchboard.chat;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The command-line entry point: {@code java -jar switchboard-chat.jar [--port 3000] [--database-url …] [--redis …]
 * [--jwt-secret …]}.
 *
 * <pre>{@code
 * java -jar chat/target/switchboard-chat.jar --port 3000
 * // Switchboard chat is running at http://localhost:3000/
 * }</pre>
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(ChatConfig.USAGE);
      return;
    }
    ChatConfig config;
    try {
      config = ChatConfig.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(ChatConfig.USAGE);
      System.exit(2);
      return;
    }
    ChatApp app;
    try {
      app = ChatApp.start(config);
    } catch (RuntimeException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (a deploy's stop): the clients move to the other nodes within --shutdown-grace
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close(config.shutdownGrace());
      System.out.println("Switchboard chat stopped");
      stopped.countDown();
    }, "chat-shutdown"));
    System.out.println("Switchboard chat is running at " + app.url() + " (" + app.summary() + ")");
    if (config.tls().selfSigned()) {
      DevCertificate dev = DevCertificate.loadOrCreate(config.dataDir().resolve("tls"));
      System.out.println("Self-signed development certificate " + dev.chainFile() + ", SHA-256 fingerprint "
          + dev.sha256Fingerprint());
    }
    stopped.await();
  }
}
