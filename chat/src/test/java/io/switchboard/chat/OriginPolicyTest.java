package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private final OriginPolicy policy = new OriginPolicy(List.of("https://Chat.Example.com/"));

  @Test
  void sameOriginAndConfiguredOriginsAreAllowedOthersNot() {
    assertThat(policy.allows(null, "localhost:3000")).isTrue();
    assertThat(policy.allows("http://localhost:3000", "localhost:3000")).isTrue();
    assertThat(policy.allows("https://chat.example.com", "10.0.0.1:3000")).isTrue();
    assertThat(policy.allows("http://evil.example", "localhost:3000")).isFalse();
    assertThat(policy.allows("null", "localhost:3000")).isFalse();
    assertThat(policy.allows("http://localhost:3000\u0001", "localhost:3000")).isFalse();
    assertThat(policy.allows("http://localhost:3000", null)).isFalse();
  }

  @Test
  void socketOriginsAreThePagesOwnPlusTheConfiguredOnes() {
    assertThat(policy.socketOrigins("127.0.0.1", 3000)).containsExactlyInAnyOrder("https://chat.example.com",
        "http://localhost:3000", "http://127.0.0.1:3000", "http://[::1]:3000");
    assertThat(policy.socketOrigins("chat.internal", 80)).contains("http://chat.internal")
        .doesNotContain("http://localhost");
    assertThat(policy.socketOrigins("0.0.0.0", 3000)).contains("https://chat.example.com", "http://localhost:3000",
        "http://127.0.0.1:3000", "http://[::1]:3000").allSatisfy(o -> assertThat(o).doesNotContain("0.0.0.0"));
  }

  @Test
  void ipv6AddressesAreWrittenAsBrowsersWriteThem() throws Exception {
    assertThat(OriginPolicy.text(InetAddress.getByName("::1"))).isEqualTo("::1");
    assertThat(OriginPolicy.text(InetAddress.getByName("fe80:0:0:0:1:0:0:2"))).isEqualTo("fe80::1:0:0:2");
    assertThat(OriginPolicy.text(InetAddress.getByName("2001:db8:0:0:0:0:0:0"))).isEqualTo("2001:db8::");
    assertThat(OriginPolicy.text(InetAddress.getByName("2001:db8:1:2:3:4:5:6"))).isEqualTo("2001:db8:1:2:3:4:5:6");
    assertThat(OriginPolicy.text(InetAddress.getByName("192.0.2.1"))).isEqualTo("192.0.2.1");
  }
}
