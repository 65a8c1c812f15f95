package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.switchboard.server.ServerOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsServeOnPort3000WithTheEmbeddedDatabase() {
    ChatConfig c = ChatConfig.parse(new String[0], Map.of());
    assertThat(c.port()).isEqualTo(3000);
    assertThat(c.dataDir()).isEqualTo(Path.of("data"));
    assertThat(c.databaseUrl()).isEmpty();
    assertThat(c.usesPostgres()).isFalse();
    assertThat(c.redisUrl()).isEmpty();
    assertThat(c.jwtSecret()).isEmpty();
    assertThat(c.tokenLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(c.sseHeartbeat()).isEqualTo(Duration.ofSeconds(15)).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(c.sseStreamsPerUser()).isEqualTo(5);
    assertThat(c.sseStreamsPerIp()).isEqualTo(20);
    assertThat(c.sseMaxBuffer()).isEqualTo(1 << 20);
    assertThat(c.connectTimeout()).isEmpty();
  }

  @Test
  void theAdminUiIsOffUnlessAUserAndABcryptHashAreGivenTogether() {
    String hash = "$2a$04$vKw2/MpV6X5ftJ7Wo2XEjOVLR4M2QnrLHBE7LLT9r7X.8li95Met6";
    assertThat(ChatConfig.parse(new String[0], Map.of()).adminAuth()).isEmpty();
    ChatConfig on = ChatConfig.parse(new String[] {"--admin-user", "ops", "--admin-password-hash", hash,
        "--admin-mode", "production"}, Map.of());
    assertThat(on.adminAuth().get().username()).isEqualTo("ops");
    assertThat(on.adminAuth().get().passwordHash()).isEqualTo(hash);
    assertThat(on.adminMode()).isEqualTo(io.switchboard.admin.AdminUiOptions.Mode.PRODUCTION);
    assertThat(on.toBuilder().build()).isEqualTo(on);
    ChatConfig fromEnv = ChatConfig.parse(new String[0], Map.of("ADMIN_USER", "ops", "ADMIN_PASSWORD_HASH", hash));
    assertThat(fromEnv.adminAuth()).isPresent();
    assertThat(fromEnv.adminMode()).isEqualTo(io.switchboard.admin.AdminUiOptions.Mode.DEVELOPMENT);
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ChatConfig.parse(new String[] {"--admin-user", "ops"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("go together");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ChatConfig.parse(new String[] {"--admin-user", "ops", "--admin-password-hash", "hunter2"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bcrypt");
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> ChatConfig.parse(new String[] {"--admin-mode", "debug"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("development or production");
  }

  @Test
  void theShutdownGraceIsTenSecondsUnlessConfigured() {
    assertThat(ChatConfig.parse(new String[0], Map.of()).shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ChatConfig.parse(new String[] {"--shutdown-grace", "4s"}, Map.of("SHUTDOWN_GRACE", "1s"))
        .shutdownGrace()).isEqualTo(Duration.ofSeconds(4));
    assertThat(ChatConfig.parse(new String[0], Map.of("SHUTDOWN_GRACE", "0")).shutdownGrace()).isZero();
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--shutdown-grace", "-1s"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void trustedProxiesComeFromTheFlagOrTheEnvironment() {
    assertThat(ChatConfig.parse(new String[0], Map.of()).trustedProxies()).isEmpty();
    assertThat(ChatConfig.parse(new String[0], Map.of("TRUSTED_PROXIES", "10.0.0.0/8, ::1")).trustedProxies())
        .containsExactly("10.0.0.0/8", "::1");
    assertThat(ChatConfig.parse(new String[] {"--trusted-proxies", "192.0.2.7"}, Map.of("TRUSTED_PROXIES", "::1"))
        .trustedProxies()).containsExactly("192.0.2.7");
  }

  @Test
  void eventStreamLimitsAndTheConnectTimeoutComeFromFlagsOrTheEnvironment() {
    Map<String, String> env = Map.of("SSE_STREAMS_PER_USER", "3", "SSE_STREAMS_PER_IP", "50",
        "SSE_MAX_BUFFER", "65536", "CONNECT_TIMEOUT", "500ms");
    ChatConfig fromEnv = ChatConfig.parse(new String[0], env);
    assertThat(fromEnv.sseStreamsPerUser()).isEqualTo(3);
    assertThat(fromEnv.sseStreamsPerIp()).isEqualTo(50);
    assertThat(fromEnv.sseMaxBuffer()).isEqualTo(65536);
    assertThat(fromEnv.connectTimeout()).contains(Duration.ofMillis(500));
    ChatConfig c = ChatConfig.parse(new String[] {"--sse-streams-per-user", "2", "--sse-streams-per-ip=7",
        "--sse-max-buffer", "4096", "--connect-timeout", "12s"}, env);
    assertThat(c.sseStreamsPerUser()).isEqualTo(2);
    assertThat(c.sseStreamsPerIp()).isEqualTo(7);
    assertThat(c.sseMaxBuffer()).isEqualTo(4096);
    assertThat(c.connectTimeout()).contains(Duration.ofSeconds(12));
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(ChatConfig.parse(new String[] {"--connect-timeout", "7"}, Map.of()).connectTimeout())
        .contains(Duration.ofSeconds(7));

    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--sse-streams-per-user", "0"}, Map.of()))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--sse-streams-per-ip", "many"}, Map.of()))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--sse-max-buffer", "10"}, Map.of()))
        .hasMessageContaining("at least 1024");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--connect-timeout", "soon"}, Map.of()))
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--connect-timeout", "0s"}, Map.of()))
        .hasMessageContaining("positive");
  }

  @Test
  void theSocketIoConnectTimeoutIsTheLibrarysUnlessConfigured() {
    ChatConfig c = ChatConfig.builder().build();
    assertThat(ChatApp.socketOptions(c, null, new OriginPolicy(List.of())).connectTimeout()).isEqualTo(ServerOptions.DEFAULT.connectTimeout());
    assertThat(ChatApp.socketOptions(c.toBuilder().connectTimeout(Duration.ofSeconds(3)).build(), null,
        new OriginPolicy(List.of()))
        .connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void flagsWinOverEnvironmentVariables() {
    Map<String, String> env = Map.of("PORT", "4000", "DATABASE_URL", "jdbc:postgresql://db/chat",
        "JWT_SECRET", "from-env-from-env-from-env-from-env", "REDIS_URL", "redis://env:6379");
    ChatConfig fromEnv = ChatConfig.parse(new String[0], env);
    assertThat(fromEnv.port()).isEqualTo(4000);
    assertThat(fromEnv.usesPostgres()).isTrue();
    assertThat(fromEnv.redisUrl()).contains("redis://env:6379");

    ChatConfig c = ChatConfig.parse(new String[] {"--port", "5000", "--database-url=jdbc:h2:mem:x",
        "--redis", "redis://127.0.0.1:6379", "--redis-key", "chat-a", "--jwt-secret", "flag-secret-flag-secret-flag-secret",
        "--allowed-origins", "http://a.test, http://b.test"}, env);
    assertThat(c.port()).isEqualTo(5000);
    assertThat(c.databaseUrl()).contains("jdbc:h2:mem:x");
    assertThat(c.usesPostgres()).isFalse();
    assertThat(c.redisUrl()).contains("redis://127.0.0.1:6379");
    assertThat(c.redisKey()).isEqualTo("chat-a");
    assertThat(c.jwtSecret()).contains("flag-secret-flag-secret-flag-secret");
    assertThat(c.allowedOrigins()).containsExactly("http://a.test", "http://b.test");
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void badFlagsAreRefused() {
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--nope", "1"}, Map.of()))
        .hasMessageContaining("unknown flag: --nope");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--port"}, Map.of())).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--port", "x"}, Map.of()))
        .hasMessageContaining("not a port");
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--jwt-secret", "short"}, Map.of()))
        .hasMessageContaining("32 characters");
  }

  @Test
  void aGeneratedSecretIsKeptInTheDataDirectory() throws Exception {
    ChatConfig c = ChatConfig.builder().dataDir(dir.resolve("data")).build();
    String first = SigningSecret.resolve(c);
    assertThat(first).hasSizeGreaterThanOrEqualTo(32);
    assertThat(Files.readString(dir.resolve("data").resolve(SigningSecret.FILE_NAME)).trim()).isEqualTo(first);
    assertThat(SigningSecret.resolve(c)).isEqualTo(first);
    assertThat(SigningSecret.resolve(c.toBuilder().jwtSecret("x".repeat(40)).build())).isEqualTo("x".repeat(40));
  }

  @Test
  void anUnreachableRedisFailsTheStartClearly() {
    ChatConfig c = ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dir).redisUrl("redis://127.0.0.1:1").build();
    assertThatThrownBy(() -> ChatApp.start(c)).hasMessageStartingWith("cannot connect to Redis at redis://127.0.0.1:1");
  }
}
