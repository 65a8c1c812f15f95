package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --redis-adapter}: the streams adapter by default, the pub/sub one on request, nothing else. */
class ChatConfigRedisAdapterTest {
  @Test
  void streamsByDefaultPubSubByFlagOrEnvironment() {
    assertThat(ChatConfig.parse(new String[] {"--redis", "redis://h:6379"}, Map.of()).redisPubSub()).isFalse();
    assertThat(ChatConfig.parse(new String[] {"--redis-adapter", "pubsub"}, Map.of()).redisPubSub()).isTrue();
    assertThat(ChatConfig.parse(new String[] {"--redis-adapter=streams"}, Map.of("REDIS_ADAPTER", "pubsub"))
        .redisPubSub()).isFalse();
    assertThat(ChatConfig.parse(new String[0], Map.of("REDIS_ADAPTER", "pubsub")).redisPubSub()).isTrue();
    assertThat(ChatConfig.parse(new String[] {"--redis-adapter", "pubsub"}, Map.of()).toBuilder().build()
        .redisPubSub()).isTrue();
  }

  @Test
  void anUnknownAdapterIsRefused() {
    assertThatThrownBy(() -> ChatConfig.parse(new String[] {"--redis-adapter", "kafka"}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streams or pubsub");
  }
}
