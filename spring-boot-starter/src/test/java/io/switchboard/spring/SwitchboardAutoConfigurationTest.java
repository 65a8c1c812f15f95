package io.switchboard.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.Server;
import io.switchboard.server.HandlerDispatch;
import io.switchboard.server.ServerOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The {@code switchboard.*} properties as server options, the Redis URI from Boot's properties, backing off. */
class SwitchboardAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SwitchboardRedisAutoConfiguration.class,
          SwitchboardAutoConfiguration.class, SwitchboardActuatorAutoConfiguration.class))
      .withPropertyValues("switchboard.port=0", "switchboard.host=127.0.0.1");

  @Test
  void propertiesBecomeServerOptions() {
    runner.withPropertyValues("switchboard.path=/rt/", "switchboard.ping-interval=5s", "switchboard.ping-timeout=3s",
        "switchboard.max-http-buffer-size=4MB", "switchboard.cors.allowed-origins=https://a.example,https://b.example",
        "switchboard.cors.allow-credentials=true", "switchboard.recovery.enabled=true",
        "switchboard.recovery.max-disconnection-duration=30s", "switchboard.http.max-connections-per-ip=7",
        "switchboard.shutdown-grace=2s", "switchboard.handler-dispatch=event-loop",
        "switchboard.blocking-threshold=50ms").run(ctx -> {
          ServerOptions o = ctx.getBean(ServerOptions.class);
          assertThat(o.path()).isEqualTo("/rt/");
          assertThat(o.engine().pingInterval()).isEqualTo(Duration.ofSeconds(5));
          assertThat(o.engine().pingTimeout()).isEqualTo(Duration.ofSeconds(3));
          assertThat(o.engine().maxHttpBufferSize()).isEqualTo(4 * 1024 * 1024);
          assertThat(o.engine().allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example");
          assertThat(o.engine().cors().isCredentialsAllowed()).isTrue();
          assertThat(o.connectionStateRecovery().maxDisconnectionDuration()).isEqualTo(Duration.ofSeconds(30));
          assertThat(o.http().maxConnectionsPerIp()).isEqualTo(7);
          assertThat(o.handlerDispatch()).isEqualTo(HandlerDispatch.EVENT_LOOP);
          assertThat(o.blockingThreshold()).isEqualTo(Duration.ofMillis(50));
          assertThat(o.objectMapper()).isNotNull();
          assertThat(ctx.getBean(SwitchboardLifecycle.class).grace()).isEqualTo(Duration.ofSeconds(2));
          assertThat(ctx.getBean(SocketTemplate.class).server()).isSameAs(ctx.getBean(Server.class));
        });
  }

  @Test
  void unsetPropertiesKeepTheServersDefaults() {
    runner.run(ctx -> {
      ServerOptions o = ctx.getBean(ServerOptions.class);
      assertThat(o.engine().pingInterval()).isEqualTo(ServerOptions.DEFAULT.engine().pingInterval());
      // annotated Spring handlers commonly block: the starter keeps them on the executor unless told otherwise
      assertThat(o.handlerDispatch()).isEqualTo(HandlerDispatch.EXECUTOR);
      assertThat(o.blockingThreshold()).isEqualTo(ServerOptions.DEFAULT.blockingThreshold());
      assertThat(o.engine().cors()).isNull();
      assertThat(o.connectionStateRecovery()).isNull();
      assertThat(o.adapter()).isNull();
      // Boot's default is a graceful shutdown of 30 s per phase
      assertThat(ctx.getBean(SwitchboardLifecycle.class).grace()).isEqualTo(Duration.ofMillis(22_500));
    });
    runner.withPropertyValues("server.shutdown=immediate")
        .run(ctx -> assertThat(ctx.getBean(SwitchboardLifecycle.class).grace()).isZero());
  }

  @Test
  void theServerListensWithTheContextAndClosesWithIt() {
    runner.withPropertyValues("switchboard.shutdown-grace=0s").run(ctx -> {
      Server server = ctx.getBean(Server.class);
      assertThat(server.port()).isPositive();
      assertThat(ctx.getBean(SwitchboardLifecycle.class).isRunning()).isTrue();
      ctx.close();
      assertThat(server.isClosing()).isTrue();
    });
  }

  @Test
  void itBacksOffWhenDisabled() {
    runner.withPropertyValues("switchboard.enabled=false").run(ctx -> {
      assertThat(ctx).doesNotHaveBean(Server.class);
      assertThat(ctx).doesNotHaveBean(SwitchboardLifecycle.class);
    });
  }

  @Test
  void theRedisUriComesFromBootsRedisProperties() {
    runner.withPropertyValues("spring.data.redis.host=redis.internal", "spring.data.redis.port=6380",
        "spring.data.redis.username=app", "spring.data.redis.password=p@ss word", "spring.data.redis.database=2",
        "spring.data.redis.ssl.enabled=true").run(ctx -> {
          String uri = SwitchboardRedisAutoConfiguration.redisUri(ctx.getBean(SwitchboardProperties.class),
              ctx.getEnvironment());
          assertThat(uri).isEqualTo("rediss://app:p%40ss%20word@redis.internal:6380/2");
          assertThat(io.lettuce.core.RedisURI.create(uri).getPassword()).containsExactly("p@ss word".toCharArray());
        });
    runner.withPropertyValues("spring.data.redis.url=redis://u:p@h:1", "switchboard.redis.url=redis://mine:6379")
        .run(ctx -> assertThat(SwitchboardRedisAutoConfiguration.redisUri(ctx.getBean(SwitchboardProperties.class),
            ctx.getEnvironment())).isEqualTo("redis://mine:6379"));
    runner.run(ctx -> assertThat(SwitchboardRedisAutoConfiguration.redisUri(
        ctx.getBean(SwitchboardProperties.class), ctx.getEnvironment())).isEqualTo("redis://localhost:6379"));
  }

  @Test
  void thePubSubAdapterConnectsToRedis() {
    runner.withPropertyValues("switchboard.redis.adapter=pubsub", "spring.data.redis.host=127.0.0.1",
        "switchboard.redis.key=sb-spring-test-" + ProcessHandle.current().pid(), "switchboard.shutdown-grace=0s")
        .run(ctx -> {
          ServerOptions o = ctx.getBean(ServerOptions.class);
          assertThat(o.adapter()).isInstanceOf(io.switchboard.redis.RedisAdapterFactory.class);
          SwitchboardHealthIndicator health = ctx.getBean(SwitchboardHealthIndicator.class);
          var h = health.health();
          assertThat(h.getStatus().getCode()).isEqualTo("UP");
          assertThat(h.getDetails().get("adapter")).isInstanceOf(java.util.Map.class);
        });
  }
}
