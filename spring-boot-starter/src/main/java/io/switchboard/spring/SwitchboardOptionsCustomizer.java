package io.switchboard.spring;

import io.switchboard.server.ServerOptions;

/**
 * Changes the {@link ServerOptions} built from the {@code switchboard.*} properties, for what the properties do not
 * cover; beans of this type run in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * SwitchboardOptionsCustomizer handlersOnMyPool(ExecutorService pool) {
 *   return options -> options.handlerExecutor(pool);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface SwitchboardOptionsCustomizer {
  void customize(ServerOptions.Builder options);
}
