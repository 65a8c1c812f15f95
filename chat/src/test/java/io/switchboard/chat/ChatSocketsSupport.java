package io.switchboard.chat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared fixture of the Socket.IO tests that drive the official npm {@code socket.io-client}: one chat server for
 * the class (ephemeral port, embedded database, the subclass's timings), new clients for each test, and three user
 * names ({@link #alice}, {@link #bob}, {@link #carol}) that no other test of the run uses. A client is a tab, named
 * after its user: {@code "alice"}, {@code "bob-2"}.
 *
 * <pre>{@code
 * class PresenceTest extends ChatSocketsSupport {
 *   @BeforeAll
 *   static void startServer() {
 *     startServer(ChatTiming.DEFAULT);
 *   }
 *
 *   @Override
 *   String token(String user) {
 *     return app.service().tokens().issue(user);
 *   }
 *
 *   @Test
 *   void bobIsSeen() {
 *     connect("alice", "bob-1");
 *     join("general", "alice", "bob-1");
 *     clients.awaitOnline("alice", v -> v.contains(bob));
 *   }
 * }
 * }</pre>
 */
abstract class ChatSocketsSupport {
  private static final AtomicInteger RUN = new AtomicInteger();

  @TempDir
  static Path dataDir;

  static ChatApp app;
  ChatClients clients;
  String alice;
  String bob;
  String carol;

  /** Starts the class's server with these timings; called from the subclass's {@code @BeforeAll}. */
  static void startServer(ChatTiming timing) {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).timing(timing).build());
  }

  @AfterAll
  static void stopServer() {
    app.close();
  }

  @BeforeEach
  void startClients() {
    int n = RUN.incrementAndGet();
    alice = "alice" + n;
    bob = "bob" + n;
    carol = "carol" + n;
    clients = ChatClients.start("http://127.0.0.1:" + app.port());
  }

  @AfterEach
  void stopClients() {
    clients.close();
  }

  /** A token of {@code user} that the server accepts. */
  abstract String token(String user);

  /** The user of a tab: its name up to a {@code -}, {@code "bob-2"} is {@link #bob}'s. */
  String userOf(String tab) {
    return switch (tab.split("-", 2)[0]) {
      case "alice" -> alice;
      case "bob" -> bob;
      case "carol" -> carol;
      default -> throw new IllegalArgumentException("not a tab of alice, bob or carol: " + tab);
    };
  }

  /** Connects each tab, in order, with a token of its user, and waits until it is in the namespace. */
  void connect(String... tabs) {
    for (String tab : tabs) {
      clients.connect(tab, token(userOf(tab)));
    }
  }

  /** {@link #connect} over WebSocket only (for volatile events, which HTTP long-polling may drop). */
  void connectWebSocket(String... tabs) {
    for (String tab : tabs) {
      clients.connectWebSocket(tab, token(userOf(tab)));
    }
  }

  /** Joins each tab, in order, to {@code room}, each waiting for its answer. */
  void join(String room, String... tabs) {
    for (String tab : tabs) {
      clients.request(tab, "room:join", room);
    }
  }
}
