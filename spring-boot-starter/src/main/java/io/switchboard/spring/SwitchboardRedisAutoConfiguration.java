package io.switchboard.spring;

import io.switchboard.redis.RedisAdapterFactory;
import io.switchboard.redis.RedisAdapterOptions;
import io.switchboard.redis.RedisStreamsAdapterFactory;
import io.switchboard.redis.RedisStreamsAdapterOptions;
import io.switchboard.server.AdapterFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The Redis adapter named by {@code switchboard.redis.adapter} ({@code pubsub} or {@code streams}), connected where
 * {@code switchboard.redis.url} says, or else where Boot's own Redis properties ({@code spring.data.redis.*}) say, so
 * that an application that already talks to Redis configures it once. It needs {@code switchboard-redis} on the class
 * path (which brings Lettuce); spring-data-redis is not needed. The factory is closed after the server.
 *
 * <pre>
 * switchboard.redis.adapter=pubsub
 * spring.data.redis.host=redis.internal
 * spring.data.redis.password=...
 * </pre>
 */
@AutoConfiguration(before = SwitchboardAutoConfiguration.class)
@ConditionalOnClass(RedisAdapterFactory.class)
@ConditionalOnProperty(prefix = "switchboard", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardRedisAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(AdapterFactory.class)
  @ConditionalOnProperty(prefix = "switchboard.redis", name = "adapter", havingValue = "pubsub")
  RedisAdapterFactory switchboardRedisAdapter(SwitchboardProperties p, Environment env) {
    RedisAdapterOptions.Builder o = RedisAdapterOptions.DEFAULT.toBuilder();
    if (p.getRedis().getKey() != null) {
      o.key(p.getRedis().getKey());
    }
    return RedisAdapterFactory.create(redisUri(p, env), o.build());
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(AdapterFactory.class)
  @ConditionalOnProperty(prefix = "switchboard.redis", name = "adapter", havingValue = "streams")
  RedisStreamsAdapterFactory switchboardRedisStreamsAdapter(SwitchboardProperties p, Environment env) {
    RedisStreamsAdapterOptions.Builder o = RedisStreamsAdapterOptions.DEFAULT.toBuilder();
    if (p.getRedis().getStreamName() != null) {
      o.streamName(p.getRedis().getStreamName());
    }
    return RedisStreamsAdapterFactory.create(redisUri(p, env), o.build());
  }

  /**
   * {@code switchboard.redis.url}, else {@code spring.data.redis.url}, else a URI made of {@code spring.data.redis.}
   * host (localhost), port (6379), username, password, database (0) and ssl.enabled.
   */
  static String redisUri(SwitchboardProperties p, Environment env) {
    if (p.getRedis().getUrl() != null && !p.getRedis().getUrl().isBlank()) {
      return p.getRedis().getUrl();
    }
    String url = env.getProperty("spring.data.redis.url");
    if (url != null && !url.isBlank()) {
      return url;
    }
    String host = env.getProperty("spring.data.redis.host", "localhost");
    int port = env.getProperty("spring.data.redis.port", Integer.class, 6379);
    int database = env.getProperty("spring.data.redis.database", Integer.class, 0);
    boolean ssl = env.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
    String user = env.getProperty("spring.data.redis.username");
    String password = env.getProperty("spring.data.redis.password");
    StringBuilder uri = new StringBuilder(ssl ? "rediss://" : "redis://");
    if (password != null && !password.isEmpty()) {
      if (user != null && !user.isEmpty()) {
        uri.append(encode(user)).append(':');
      }
      uri.append(encode(password)).append('@');
    }
    uri.append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port);
    if (database != 0) {
      uri.append('/').append(database);
    }
    return uri.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
