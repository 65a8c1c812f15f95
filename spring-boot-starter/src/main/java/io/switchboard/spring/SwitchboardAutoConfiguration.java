package io.switchboard.spring;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.handler.codec.http.cors.CorsConfig;
import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.engine.TlsOptions;
import io.switchboard.server.AdapterFactory;
import io.switchboard.server.ConnectionStateRecovery;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.SSLException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a Switchboard Socket.IO {@link Server} from the {@code switchboard.*} properties ({@link
 * SwitchboardProperties}), its {@link SwitchboardLifecycle}, a {@link SocketTemplate}, and the Redis adapter chosen by
 * {@code switchboard.redis.adapter}. Every bean backs off when the application declares its own.
 *
 * <pre>
 * switchboard.port=3001
 * switchboard.cors.allowed-origins=http://localhost:8080
 * </pre>
 *
 * <p>Payloads are bound with Jackson 2 ({@code com.fasterxml.jackson}, the server's codec): the application's Jackson
 * 2 {@code ObjectMapper} bean when it has exactly one (Boot 3, or Boot 4 with {@code spring-boot-jackson2}), else a
 * mapper of the starter's that ignores unknown properties as Boot's does. Boot 4's own Jackson 3 mapper ({@code
 * tools.jackson}) is left alone: the two live side by side.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jackson2.autoconfigure.Jackson2AutoConfiguration",
    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
    "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration",
    "org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration",
    "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration"})
@ConditionalOnProperty(prefix = "switchboard", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwitchboardProperties.class)
public class SwitchboardAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  ServerOptions switchboardServerOptions(SwitchboardProperties p, ObjectProvider<ObjectMapper> mappers,
      ObjectProvider<AdapterFactory> adapters, ObjectProvider<SslBundles> sslBundles,
      ObjectProvider<SwitchboardOptionsCustomizer> customizers) {
    ServerOptions.Builder b = ServerOptions.builder().path(p.getPath()).handlerDispatch(p.getHandlerDispatch());
    if (p.getBlockingThreshold() != null) {
      b.blockingThreshold(p.getBlockingThreshold());
    }
    EngineOptions.Builder e = EngineOptions.DEFAULT.toBuilder();
    if (p.getPingInterval() != null) {
      e.pingInterval(p.getPingInterval());
    }
    if (p.getPingTimeout() != null) {
      e.pingTimeout(p.getPingTimeout());
    }
    if (p.getMaxHttpBufferSize() != null) {
      int max = Math.toIntExact(p.getMaxHttpBufferSize().toBytes());
      EngineOptions d = EngineOptions.DEFAULT;
      e.maxHttpBufferSize(max).maxBufferedBytes(Math.max(d.maxBufferedBytes(), max))
          .maxBufferedInput(Math.max(d.maxBufferedInput(), max));
    }
    List<String> origins = p.getCors().getAllowedOrigins();
    if (!origins.isEmpty()) {
      CorsConfigBuilder cors = CorsConfigBuilder.forOrigins(origins.toArray(String[]::new));
      if (p.getCors().isAllowCredentials()) {
        cors.allowCredentials();
      }
      CorsConfig config = cors.build();
      e.cors(config).allowedOrigins(new LinkedHashSet<>(origins));
    }
    if (p.getCors().getAllowMissingOrigin() != null) {
      e.allowMissingOrigin(p.getCors().getAllowMissingOrigin());
    }
    b.engine(e.build());
    HttpServerOptions.Builder h = HttpServerOptions.DEFAULT.toBuilder();
    SwitchboardProperties.Http hp = p.getHttp();
    if (hp.getMaxConnections() != null) {
      h.maxConnections(hp.getMaxConnections());
    }
    if (hp.getMaxConnectionsPerIp() != null) {
      h.maxConnectionsPerIp(hp.getMaxConnectionsPerIp());
    }
    if (hp.getTrustedProxies() != null) {
      h.trustedProxies(hp.getTrustedProxies());
    }
    if (hp.getIdleTimeout() != null) {
      h.idleTimeout(hp.getIdleTimeout());
    }
    b.http(h.build());
    if (p.getConnectTimeout() != null) {
      b.connectTimeout(p.getConnectTimeout());
    }
    if (p.getServeClient() != null) {
      b.serveClient(p.getServeClient());
    }
    if (p.getRecovery().isEnabled()) {
      b.connectionStateRecovery(new ConnectionStateRecovery(p.getRecovery().getMaxDisconnectionDuration(),
          p.getRecovery().isSkipMiddlewares()));
    }
    b.objectMapper(mappers.getIfUnique(SwitchboardAutoConfiguration::defaultMapper));
    AdapterFactory adapter = adapters.getIfUnique();
    if (adapter != null) {
      b.adapter(adapter);
    }
    String bundle = p.getSsl().getBundle();
    if (bundle != null && !bundle.isBlank()) {
      SslBundles bundles = sslBundles.getIfAvailable();
      if (bundles == null) {
        throw new IllegalStateException("switchboard.ssl.bundle=" + bundle + " but there are no SSL bundles");
      }
      b.tls(tls(bundles.getBundle(bundle)));
    }
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  static ObjectMapper defaultMapper() {
    return JsonMapper.builder().findAndAddModules()
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  }

  /** The TLS of a Boot SSL bundle: its key managers, protocols and ciphers, as a ready Netty context. */
  static TlsOptions tls(SslBundle bundle) {
    try {
      SslContextBuilder ctx = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory());
      String[] protocols = bundle.getOptions().getEnabledProtocols();
      ctx.protocols(protocols != null ? protocols : TlsOptions.PROTOCOLS.toArray(String[]::new));
      String[] ciphers = bundle.getOptions().getCiphers();
      if (ciphers != null) {
        ctx.ciphers(List.of(ciphers));
      }
      return TlsOptions.builder().sslContext(ctx.build()).build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot use the SSL bundle: " + e.getMessage(), e);
    }
  }

  @Bean
  @ConditionalOnMissingBean
  Server switchboardServer(ServerOptions options) {
    return new Server(options);
  }

  @Bean
  @ConditionalOnMissingBean
  SwitchboardLifecycle switchboardLifecycle(Server server, SwitchboardProperties properties,
      ApplicationContext context, Environment env, ObjectProvider<PayloadValidator> validator) {
    ObjectMapper mapper = server.options().objectMapper() != null ? server.options().objectMapper() : defaultMapper();
    List<Object> advice = List.copyOf(context.getBeansWithAnnotation(SocketControllerAdvice.class).values());
    SocketControllerBinder binder = new SocketControllerBinder(mapper, validator.getIfAvailable(), advice);
    return new SwitchboardLifecycle(server, properties, context, binder, grace(properties, env));
  }

  /**
   * {@code switchboard.shutdown-grace}; unset: none when {@code server.shutdown=immediate}, else 3/4 of {@code
   * spring.lifecycle.timeout-per-shutdown-phase} (30 s by default) so that the close ends within Boot's phase.
   */
  static Duration grace(SwitchboardProperties p, Environment env) {
    if (p.getShutdownGrace() != null) {
      return p.getShutdownGrace();
    }
    if ("immediate".equalsIgnoreCase(env.getProperty("server.shutdown", "graceful"))) {
      return Duration.ZERO;
    }
    Duration phase = env.getProperty("spring.lifecycle.timeout-per-shutdown-phase", Duration.class,
        Duration.ofSeconds(30));
    return phase.multipliedBy(3).dividedBy(4);
  }

  @Bean
  @ConditionalOnMissingBean
  SocketTemplate socketTemplate(Server server) {
    return new SocketTemplate(server);
  }

  /** {@code @Valid} on event arguments, when Bean Validation is on the class path. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "jakarta.validation.Validator")
  static class BeanValidationConfiguration {
    @Bean
    @ConditionalOnMissingBean
    PayloadValidator switchboardPayloadValidator(ObjectProvider<jakarta.validation.Validator> validator) {
      jakarta.validation.Validator v = validator.getIfUnique();
      if (v == null) {
        try {
          v = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        } catch (RuntimeException noProvider) {
          return null;
        }
      }
      return new BeanValidationPayloadValidator(v);
    }
  }
}
