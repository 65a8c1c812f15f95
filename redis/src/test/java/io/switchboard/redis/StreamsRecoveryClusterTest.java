package io.switchboard.redis;

import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.ServerOptions;
import java.time.Duration;

/**
 * The cluster adapter contract on the Redis Streams adapter with connection state recovery on: stored broadcasts
 * reach the sender's own clients through the stream, with offsets.
 */
class StreamsRecoveryClusterTest extends StreamsRedisClusterTest {
  @Override
  protected ServerOptions.Builder serverOptions() {
    return ServerOptions.builder().connectionStateRecovery(new ConnectionStateRecovery(Duration.ofSeconds(30), true));
  }
}
