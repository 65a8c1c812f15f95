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
  /**
   * Changes the options before the server is made, at context startup; the properties are already applied.
   *
   * @param options the builder, holding what the properties set
   */
  void customize(ServerOptions.Builder options);
}
