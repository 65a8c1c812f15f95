package io.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.bench.load.LoadGenerator;
import io.switchboard.bench.load.LoadOptions;
import io.switchboard.bench.servers.BenchHttpServer;
import io.switchboard.bench.servers.ServerArgs;
import io.switchboard.bench.servers.SwitchboardBenchServer;
import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code cluster} scenario, tiny, against two in-process Switchboard bench servers linked through the local Redis
 * (127.0.0.1:6379): every broadcast reaches the receivers of both servers. Speed is never asserted.
 */
@Timeout(120)
class ClusterSmokeTest {
  @Test
  void fanoutCrossesTheRedisAdapter() throws Exception {
    ServerArgs args = ServerArgs.parse("--port", "0", "--threads", "1");
    try (RedisAdapterFactory redisA = RedisAdapterFactory.create("redis://127.0.0.1:6379");
         RedisAdapterFactory redisB = RedisAdapterFactory.create("redis://127.0.0.1:6379")) {
      Server a = SwitchboardBenchServer.create(args, redisA);
      Server b = SwitchboardBenchServer.create(args, redisB);
      try (BenchHttpServer httpA = BenchHttpServer.start(args.address(), args.transport(), 1, a::configure);
           BenchHttpServer httpB = BenchHttpServer.start(args.address(), args.transport(), 1, b::configure)) {
        long pid = ProcessHandle.current().pid();
        String line = LoadGenerator.run(LoadOptions.parse("cluster", "--port", String.valueOf(httpA.port()),
            "--port2", String.valueOf(httpB.port()), "--server-pid", String.valueOf(pid), "--clients", "10",
            "--rate", "50", "--threads", "1", "--warmup-ms", "300", "--duration-ms", "700", "--drain-ms", "3000",
            "--connect-timeout-ms", "20000"));
        JsonNode r = new ObjectMapper().readTree(line);
        assertThat(r.path("scenario").asText()).isEqualTo("cluster");
        assertThat(r.path("connected").asInt()).isEqualTo(10);
        assertThat(r.path("sent").asLong()).isPositive();
        assertThat(r.path("delivered").asLong()).isEqualTo(r.path("expected").asLong());
        assertThat(r.path("lost").asLong()).isZero();
      } finally {
        a.close();
        b.close();
      }
    }
  }
}
