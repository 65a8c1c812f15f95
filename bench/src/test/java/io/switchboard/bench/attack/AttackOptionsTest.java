package io.switchboard.bench.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttackOptionsTest {
  @Test
  void loopbackHostsAreAccepted() throws Exception {
    assertThat(Loopback.resolve("127.0.0.1")).isEqualTo(InetAddress.getByName("127.0.0.1"));
    assertThat(Loopback.resolve("127.45.6.7").getHostAddress()).isEqualTo("127.45.6.7");
    assertThat(Loopback.resolve("::1").isLoopbackAddress()).isTrue();
    assertThat(Loopback.resolve("[::1]").isLoopbackAddress()).isTrue();
    assertThat(Loopback.resolve("0:0:0:0:0:0:0:1").isLoopbackAddress()).isTrue();
    assertThat(Loopback.resolve("localhost").isLoopbackAddress()).isTrue();
    assertThat(Loopback.resolve("LOCALHOST").isLoopbackAddress()).isTrue();
  }

  @Test
  void everythingElseIsRefusedWithoutALookup() {
    for (String host : List.of("10.0.0.1", "0.0.0.0", "128.0.0.1", "126.255.255.255", "192.168.1.1", "::2", "::",
        "::ffff:10.0.0.1", "fe80::1", "example.com", "127.0.0.1.example.com", "localhost.example.com", "127.0.0.256",
        "127.0.0", "", "zz:1", "127.0.0.1:3000", "[127.0.0.1]x")) {
      assertThatThrownBy(() -> Loopback.resolve(host)).as(host).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("this machine only");
      assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--host", host)).as(host)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theRecordItselfRefusesOtherAddresses() throws Exception {
    AttackOptions ok = AttackOptions.parse("idle-tcp");
    InetAddress remote = InetAddress.getByAddress(new byte[] {10, 0, 0, 1});
    assertThatThrownBy(() -> new AttackOptions(ok.kind(), "10.0.0.1", remote, 3000, null, "/socket.io/", 1, 1,
        ok.hold(), ok.interval(), ok.openTimeout(), ok.answerTimeout(), ok.closeWait(), 1, 1, ok.probeEvery(),
        ok.probeTimeout(), false, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--source", "10.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void defaultsPerKind() {
    AttackOptions idle = AttackOptions.parse("idle-tcp", "--port", "3001");
    assertThat(idle.kind()).isEqualTo(AttackOptions.Kind.IDLE_TCP);
    assertThat(idle.port()).isEqualTo(3001);
    assertThat(idle.count()).isEqualTo(1000);
    assertThat(idle.hold()).isEqualTo(Duration.ofSeconds(30));
    assertThat(idle.probeEvery()).isEqualTo(Duration.ofMillis(500));
    assertThat(idle.probeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(idle.probeSocketIo()).isFalse();
    assertThat(idle.source()).isNull();
    assertThat(AttackOptions.parse("ws-burst").hold()).isZero();
    AttackOptions memory = AttackOptions.parse("memory");
    assertThat(memory.count()).isEqualTo(100);
    assertThat(memory.attachments()).isEqualTo(10);
    assertThat(memory.size()).isEqualTo(100_000);
  }

  @Test
  void optionsAndFlags() {
    AttackOptions o = AttackOptions.parse("slowloris", "--count", "50", "--interval-s", "0.25", "--hold-s", "2.5",
        "--probe-socketio", "--source", "127.0.0.2", "--host", "localhost", "--server-pid", "42");
    assertThat(o.count()).isEqualTo(50);
    assertThat(o.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.hold()).isEqualTo(Duration.ofMillis(2500));
    assertThat(o.probeSocketIo()).isTrue();
    assertThat(o.source().getHostAddress()).isEqualTo("127.0.0.2");
    assertThat(o.serverPid()).isEqualTo(42);
    assertThat(AttackOptions.parse("memory", "--probe-socketio", "false").probeSocketIo()).isFalse();
    assertThat(o.maxRunTime()).isEqualTo(o.openTimeout().plus(o.hold()).plus(o.closeWait()).plus(o.answerTimeout())
        .plusSeconds(5));
  }

  @Test
  void pathsAndTargets() {
    AttackOptions d = AttackOptions.parse("ws-burst", "--port", "3000");
    assertThat(d.basePath()).isEqualTo("/socket.io/");
    assertThat(d.webSocketTarget()).isEqualTo("/socket.io/?EIO=4&transport=websocket");
    assertThat(d.hostHeader()).isEqualTo("127.0.0.1:3000");
    AttackOptions q = AttackOptions.parse("ws-burst", "--path", "/io/?EIO=4&transport=websocket&x=1");
    assertThat(q.basePath()).isEqualTo("/io/");
    assertThat(q.webSocketTarget()).isEqualTo("/io/?EIO=4&transport=websocket&x=1");
    assertThat(AttackOptions.parse("idle-tcp", "--host", "::1", "--port", "80").hostHeader())
        .isEqualTo("[0:0:0:0:0:0:0:1]:80");
  }

  @Test
  void badOptionsAreRefused() {
    assertThatThrownBy(() -> AttackOptions.parse("flood")).hasMessageContaining("unknown attack");
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--cout", "5")).hasMessageContaining("unknown option");
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--count")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--count", "0")).hasMessageContaining("count");
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--count", "60001")).hasMessageContaining("count");
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--hold-s", "3601")).hasMessageContaining("at most");
    assertThatThrownBy(() -> AttackOptions.parse("slowloris", "--interval-s", "0")).hasMessageContaining("interval");
    assertThatThrownBy(() -> AttackOptions.parse("memory", "--attachments", "0")).hasMessageContaining("attachments");
    assertThatThrownBy(() -> AttackOptions.parse("idle-tcp", "--path", "socket.io")).hasMessageContaining("path");
  }

  @Test
  void aRunNeedingMoreDescriptorsThanFreeIsRefused() {
    assertThatThrownBy(() -> Attack.checkDescriptors(AttackOptions.MAX_COUNT))
        .hasMessageContaining("run two processes");
  }
}
