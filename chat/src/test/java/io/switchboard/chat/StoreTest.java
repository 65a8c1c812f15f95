package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/** The store layer, the same tests on the embedded H2 file and on the real PostgreSQL (a fresh schema per test). */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"h2", "postgresql"})
class StoreTest {
  @Parameter
  String kind;

  @TempDir
  Path tempDir;

  private TestDatabases.Fresh fresh;
  private Database db;
  private final UserStore users = new UserStore();
  private final RoomStore rooms = new RoomStore();
  private final MessageStore messages = new MessageStore();
  private final PrivateMessageStore privates = new PrivateMessageStore();
  private final NotificationStore notifications = new NotificationStore();

  @BeforeEach
  void open() {
    fresh = TestDatabases.open(kind, tempDir);
    db = fresh.db();
  }

  @AfterEach
  void close() {
    fresh.close();
  }

  @Test
  void runsOnTheDatabaseItWasGiven() {
    assertThat(db.isPostgres()).isEqualTo(kind.equals("postgresql"));
  }

  @Test
  void usersAreUniqueByName() throws SQLException {
    User alice = db.inTransaction((Connection c) -> users.create(c, "alice", "$2a$10$hash", 1000));
    assertThat(alice.id()).isPositive();
    assertThat(db.inTransaction((Connection c) -> users.find(c, "alice"))).contains(alice);
    assertThat(db.inTransaction((Connection c) -> users.find(c, "bob"))).isEmpty();
    assertThatThrownBy(() -> db.inTransaction((Connection c) -> users.create(c, "alice", "other", 2000)))
        .isInstanceOf(SQLException.class);
    assertThat(db.inTransaction((Connection c) -> users.find(c, "alice")).orElseThrow().passwordHash()).isEqualTo("$2a$10$hash");
  }

  @Test
  void roomsStartWithGeneralAndRandomAndAreCreatedOnce() throws SQLException {
    assertThat(db.inTransaction(rooms::list)).extracting(Room::name).containsExactly("general", "random");
    db.inTransaction((Connection c) -> {
      rooms.ensure(c, "kotlin", 5);
      rooms.ensure(c, "kotlin", 6);
      return null;
    });
    assertThat(db.inTransaction(rooms::list)).extracting(Room::name).containsExactly("general", "kotlin", "random");
  }

  @Test
  void messagesPageBackwardsOldestFirst() throws SQLException {
    List<ChatMessage> stored = db.inTransaction((Connection c) -> {
      List<ChatMessage> out = new java.util.ArrayList<>();
      for (int i = 0; i < 120; i++) {
        out.add(messages.append(c, i % 2 == 0 ? "general" : "busy", "alice", "m" + i, 1000 + i));
      }
      return out;
    });
    List<ChatMessage> general = stored.stream().filter(m -> m.room().equals("general")).toList();
    assertThat(general).hasSize(60);
    assertThat(general).extracting(ChatMessage::id).isSorted().doesNotHaveDuplicates();

    List<ChatMessage> latest = db.inTransaction((Connection c) -> messages.page(c, "general", null, 50));
    assertThat(latest).isEqualTo(general.subList(10, 60));
    List<ChatMessage> older = db.inTransaction((Connection c) -> messages.page(c, "general", latest.get(0).id(), 50));
    assertThat(older).isEqualTo(general.subList(0, 10));
    assertThat(db.inTransaction((Connection c) -> messages.page(c, "general", general.get(0).id(), 50))).isEmpty();
    assertThat(db.inTransaction((Connection c) -> messages.page(c, "nobody-here", null, 50))).isEmpty();
    assertThat(db.inTransaction(rooms::list)).filteredOn(r -> r.name().equals("busy"))
        .singleElement().satisfies(r -> assertThat(r.messageCount()).isEqualTo(60));
  }

  @Test
  void longAndNonAsciiTextRoundTrips() throws SQLException {
    String text = "é😀<b>&".repeat(400); // 2,000 code points, 2,400 UTF-16 units
    ChatMessage m = db.inTransaction((Connection c) -> messages.append(c, "general", "alice", text, 1));
    assertThat(db.inTransaction((Connection c) -> messages.page(c, "general", null, 1))).containsExactly(m);
    assertThat(m.text()).isEqualTo(text);
  }

  @Test
  void aFailedTransactionStoresNothing() {
    assertThatThrownBy(() -> db.inTransaction((Connection c) -> {
      messages.append(c, "general", "alice", "half", 1);
      throw new SQLException("boom");
    })).hasMessage("boom");
    assertThat(db.transaction(c -> messages.page(c, "general", null, 10)).join()).isEmpty();
  }

  @Test
  void privateMessagesMoveFromSentToDeliveredToRead() throws SQLException {
    PrivateMessage pm = db.inTransaction((Connection c) -> privates.append(c, "alice", "bob", "hi bob", 10));
    assertThat(pm.status()).isEqualTo(PrivateMessage.SENT);
    assertThat(db.inTransaction((Connection c) -> privates.undelivered(c, "bob"))).containsExactly(pm);
    assertThat(db.inTransaction((Connection c) -> privates.undelivered(c, "alice"))).isEmpty();

    assertThat(db.inTransaction((Connection c) -> privates.markDelivered(c, pm.id(), 11))).isTrue();
    assertThat(db.inTransaction((Connection c) -> privates.markDelivered(c, pm.id(), 12))).isFalse();
    assertThat(db.inTransaction((Connection c) -> privates.undelivered(c, "bob"))).isEmpty();
    assertThat(db.inTransaction((Connection c) -> privates.find(c, pm.id()))).get()
        .extracting(PrivateMessage::status).isEqualTo(PrivateMessage.DELIVERED);

    assertThat(db.inTransaction((Connection c) -> privates.markRead(c, pm.id(), "alice", 13))).isEmpty(); // not the recipient
    Optional<PrivateMessage> read = db.inTransaction((Connection c) -> privates.markRead(c, pm.id(), "bob", 13));
    assertThat(read).get().extracting(PrivateMessage::status).isEqualTo(PrivateMessage.READ);
    assertThat(db.inTransaction((Connection c) -> privates.markRead(c, pm.id(), "bob", 14))).isEmpty(); // already read
    assertThat(db.inTransaction((Connection c) -> privates.markRead(c, 999_999, "bob", 14))).isEmpty();
  }

  @Test
  void conversationsHoldBothDirectionsOnly() throws SQLException {
    db.inTransaction((Connection c) -> {
      privates.append(c, "alice", "bob", "1", 1);
      privates.append(c, "bob", "alice", "2", 2);
      privates.append(c, "alice", "carol", "x", 3);
      privates.append(c, "alice", "bob", "3", 4);
      return null;
    });
    assertThat(db.inTransaction((Connection c) -> privates.conversation(c, "bob", "alice", 10)))
        .extracting(PrivateMessage::text).containsExactly("1", "2", "3");
    assertThat(db.inTransaction((Connection c) -> privates.conversation(c, "alice", "bob", 2)))
        .extracting(PrivateMessage::text).containsExactly("2", "3");
  }

  @Test
  void notificationsResumeAfterAnId() throws SQLException {
    List<Notification> made = db.inTransaction((Connection c) -> IntStream.range(0, 5).mapToObj(i -> {
      try {
        notifications.add(c, "carol", Notification.MENTION, "other", "x", "/", i);
        return notifications.add(c, "bob", i % 2 == 0 ? Notification.MENTION : Notification.PRIVATE,
            "title " + i, "body " + i, "/#room/general", 100 + i);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }).toList());
    assertThat(db.inTransaction((Connection c) -> notifications.after(c, "bob", 0, 100))).isEqualTo(made);
    assertThat(db.inTransaction((Connection c) -> notifications.after(c, "bob", made.get(2).id(), 100)))
        .isEqualTo(made.subList(3, 5));
    assertThat(db.inTransaction((Connection c) -> notifications.after(c, "bob", made.get(0).id(), 2)))
        .isEqualTo(made.subList(1, 3));
    assertThat(db.inTransaction((Connection c) -> notifications.latest(c, "bob", 2)))
        .containsExactly(made.get(4), made.get(3));
  }

  @Test
  void dataSurvivesReopeningTheDatabase() throws SQLException {
    db.inTransaction((Connection c) -> messages.append(c, "general", "alice", "kept", 1));
    db.close();
    Database again = Database.open(fresh.url(), fresh.schema());
    try {
      assertThat(again.inTransaction((Connection c) -> messages.page(c, "general", null, 10)))
          .extracting(ChatMessage::text).containsExactly("kept");
    } finally {
      again.close();
    }
  }
}
