package io.switchboard.chat.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.chat.presence.Roster.Change;
import io.switchboard.chat.presence.Roster.RoomChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RosterTest {
  private final Roster roster = new Roster();
  private final List<RoomChange> out = new ArrayList<>();

  @Test
  void aUserOnTwoNodesIsOnlineOnceAndLeavesWithTheLastNode() {
    roster.apply("a", Change.online("alice"), out);
    roster.apply("b", Change.online("alice"), out);
    roster.apply("b", Change.online("bob"), out);
    assertThat(roster.online()).containsExactly("alice", "bob");
    assertThat(roster.count()).isEqualTo(2);
    roster.apply("a", Change.offline("alice"), out);
    assertThat(roster.isOnline("alice")).isTrue();
    roster.apply("b", Change.offline("alice"), out);
    assertThat(roster.online()).containsExactly("bob");
    assertThat(out).isEmpty();
  }

  @Test
  void roomsAreEnteredByTheFirstNodeAndLeftByTheLast() {
    roster.apply("a", Change.join("alice", "general"), out);
    assertThat(out).containsExactly(new RoomChange("general", "alice", true));
    assertThat(roster.isOnline("alice")).as("joining implies online").isTrue();
    out.clear();
    roster.apply("b", Change.join("alice", "general"), out);
    roster.apply("a", Change.leave("alice", "general"), out);
    assertThat(out).isEmpty();
    assertThat(roster.members("general")).containsExactly("alice");
    roster.apply("b", Change.offline("alice"), out); // offline leaves its rooms too
    assertThat(out).containsExactly(new RoomChange("general", "alice", false));
    assertThat(roster.members("general")).isEmpty();
    assertThat(roster.inRoom("alice", "general")).isFalse();
  }

  @Test
  void aRemovedNodeTakesItsUsersAndTheirRoomsWithIt() {
    roster.apply("a", Change.join("alice", "general"), out);
    roster.apply("a", Change.join("bob", "general"), out);
    roster.apply("b", Change.join("bob", "random"), out);
    out.clear();
    roster.remove("a", out);
    assertThat(roster.online()).containsExactly("bob");
    assertThat(out).containsExactlyInAnyOrder(new RoomChange("general", "alice", false),
        new RoomChange("general", "bob", false));
    assertThat(roster.members("random")).containsExactly("bob");
    assertThat(roster.nodes()).containsExactly("b");
  }

  @Test
  void aFullStateReplacesWhatWasKnownByItsDifference() {
    roster.apply("a", Change.join("alice", "general"), out);
    roster.apply("a", Change.join("bob", "random"), out);
    out.clear();
    roster.replace("a", Map.of("alice", Set.of("general", "kotlin"), "carol", Set.of()), out);
    assertThat(roster.online()).containsExactly("alice", "carol");
    assertThat(out).containsExactlyInAnyOrder(new RoomChange("random", "bob", false),
        new RoomChange("kotlin", "alice", true));
    assertThat(roster.stateOf("a")).isEqualTo(Map.of("alice", Set.of("general", "kotlin"), "carol", Set.of()));
  }

  @Test
  void repeatedChangesCountOnce() {
    roster.apply("a", Change.online("alice"), out);
    roster.apply("a", Change.online("alice"), out);
    roster.apply("a", Change.join("alice", "general"), out);
    roster.apply("a", Change.join("alice", "general"), out);
    roster.apply("a", Change.offline("alice"), out);
    assertThat(roster.online()).isEmpty();
    assertThat(out).containsExactly(new RoomChange("general", "alice", true), new RoomChange("general", "alice", false));
    roster.apply("a", Change.leave("nobody", "general"), out);
    roster.apply("a", Change.offline("nobody"), out);
    assertThat(out).hasSize(2);
  }
}
