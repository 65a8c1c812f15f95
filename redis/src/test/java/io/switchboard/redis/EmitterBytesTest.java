package io.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the Java emitter publishes is byte for byte what @socket.io/redis-emitter publishes for the same call. */
class EmitterBytesTest {
  @BeforeAll
  static void redisIsThere() {
    RedisTests.requireRedis();
  }

  record Published(String channel, String hex) {}

  @Test
  void sameBytesOnTheSameChannels() throws Exception {
    String key = RedisTests.uniqueKey("bytes");
    BlockingQueue<Published> seen = new LinkedBlockingQueue<>();
    RedisClient raw = RedisClient.create(RedisTests.URI);
    try (StatefulRedisPubSubConnection<byte[], byte[]> sub = raw.connectPubSub(ByteArrayCodec.INSTANCE);
        RedisEmitter java = RedisEmitter.create(RedisTests.URI, RedisAdapterOptions.builder().key(key).build());
        NodeEmitter node = NodeEmitter.start(key)) {
      sub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(byte[] pattern, byte[] channel, byte[] message) {
          seen.add(new Published(new String(channel, StandardCharsets.UTF_8), HexFormat.of().formatHex(message)));
        }
      });
      sub.sync().psubscribe((key + "*").getBytes(StandardCharsets.UTF_8));

      ObjectNode a = EmitterInteropTest.targeted("emit", List.of("room1"), List.of("x")).put("event", "news")
          .put("binary", "AQID");
      a.putArray("args").add(1).add("two").addObject().put("k", 2.5);
      node.run(a);
      java.to("room1").except("x").emit("news", 1, "two", Map.of("k", 2.5), new byte[] {1, 2, 3})
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertSame(seen);

      node.run(EmitterInteropTest.targeted("emit", List.of("a", "b"), List.of()).put("event", "multi"));
      java.to("a", "b").emit("multi").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertSame(seen);

      ObjectNode join = EmitterInteropTest.targeted("socketsJoin", List.of("r"), List.of("e"));
      join.putArray("target").add("j");
      node.run(join);
      java.in("r").except("e").socketsJoin("j").toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertSame(seen);

      node.run(EmitterInteropTest.targeted("disconnectSockets", List.of("r"), List.of()).put("close", true));
      java.in("r").disconnectSockets(true).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertSame(seen);

      ObjectNode sse = NodeEmitter.op("serverSideEmit").put("event", "hello");
      sse.putArray("args").add(1);
      node.run(sse);
      java.serverSideEmit("hello", 1).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertSame(seen);
    } finally {
      raw.shutdown();
    }
  }

  private static void assertSame(BlockingQueue<Published> seen) throws InterruptedException {
    Published fromNode = seen.poll(10, TimeUnit.SECONDS);
    Published fromJava = seen.poll(10, TimeUnit.SECONDS);
    assertThat(fromNode).isNotNull();
    assertThat(fromJava).isEqualTo(fromNode);
  }
}
