package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import io.switchboard.server.cluster.ClusterStats;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Redis adapter's {@link ClusterStats}: traffic counted, the link seen going down and coming back. */
class RedisLinkStatsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void theLinkIsSeenLostAndBack() {
    try (TestRedis.Server redis = TestRedis.startProcess();
        RedisAdapterFactory factory = RedisAdapterFactory.create(redis.uri());
        Server io = new Server(ServerOptions.builder().adapter(factory).serveClient(false).build())) {
      ClusterStats stats = io.sockets().stats().cluster();
      assertThat(stats).isNotNull();
      Await.until("the first heartbeat published", WAIT, () -> stats.messagesPublished() >= 1);
      assertThat(stats.linkUp()).isTrue();
      assertThat(stats.servers()).isEqualTo(1);
      redis.stop();
      Await.until("the link seen down", WAIT, () -> !stats.linkUp());
      assertThat(stats.linkLosses()).isEqualTo(1);
      redis.start();
      Await.until("the link seen back", WAIT, stats::linkUp);
      assertThat(stats.linkLosses()).isEqualTo(1);
    }
  }
}
