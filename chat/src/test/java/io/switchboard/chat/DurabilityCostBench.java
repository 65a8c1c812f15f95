package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What durability costs per room message on the embedded H2 file: the same {@link ChatService#postMessage} in the
 * three modes of {@link Database.Durability}, one message at a time (the latency a lone sender sees) and from 32
 * senders at once (what group commit makes of a busy server). Not part of the normal test run (the name does not end
 * in {@code Test}); run it with
 * {@code mvn -B -q -pl chat -am test -Dtest=DurabilityCostBench -Dsurefire.failIfNoSpecifiedTests=false}
 * and read the table it prints.
 */
class DurabilityCostBench {
  private static final int SEQUENTIAL = 2_000;
  private static final int CONCURRENT = 8_000;
  private static final int SENDERS = 32;

  @TempDir
  Path dir;

  @Test
  void costPerMessage() throws Exception {
    StringBuilder table = new StringBuilder(String.format("%n%-6s %14s %14s %12s%n", "mode", "1 sender µs/msg",
        SENDERS + " senders µs/msg", "file KB"));
    for (Database.Durability mode : Database.Durability.values()) {
      measure(mode); // warm-up
    }
    for (Database.Durability mode : Database.Durability.values()) {
      double[] r = measure(mode);
      table.append(String.format("%-6s %14.0f %14.0f %12.0f%n", mode, r[0], r[1], r[2]));
    }
    System.out.println(table);
  }

  /** µs per message one at a time, µs per message from many senders, and the file size in KB afterwards. */
  private double[] measure(Database.Durability mode) throws Exception {
    Path data = Files.createTempDirectory(dir, mode.name());
    try (Database db = Database.open(Database.embeddedUrl(data, mode), Optional.empty(), mode)) {
      ChatService chat = new ChatService(db, new PasswordHasher(4), new TokenService("x".repeat(32),
          Duration.ofHours(1), Clock.systemUTC()), new NotificationBus(), Clock.systemUTC());
      long t0 = System.nanoTime();
      for (int i = 0; i < SEQUENTIAL; i++) {
        chat.postMessage("general", "alice", "message " + i + " with a few words in it").join();
      }
      double one = (System.nanoTime() - t0) / 1e3 / SEQUENTIAL;
      long t1 = System.nanoTime();
      List<CompletableFuture<Void>> senders = new ArrayList<>();
      ExecutorService threads = Executors.newFixedThreadPool(SENDERS);
      for (int s = 0; s < SENDERS; s++) {
        int sender = s;
        senders.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < CONCURRENT / SENDERS; i++) {
            chat.postMessage("general", "user" + sender, "message " + i + " with a few words in it").join();
          }
        }, threads));
      }
      senders.forEach(CompletableFuture::join);
      threads.shutdown();
      double many = (System.nanoTime() - t1) / 1e3 / CONCURRENT;
      assertThat(chat.rooms().join()).filteredOn(r -> r.name().equals("general"))
          .singleElement().extracting(Room::messageCount).isEqualTo((long) SEQUENTIAL + CONCURRENT);
      long bytes;
      try (Stream<Path> files = Files.list(data)) {
        bytes = files.mapToLong(p -> p.toFile().length()).sum();
      }
      return new double[] {one, many, bytes / 1024.0};
    }
  }
}
