package io.switchboard.spring;

import io.switchboard.server.Server;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The actuator side of the starter, each part only when the application has what it needs: the {@code switchboard}
 * health component (spring-boot-health), the {@code switchboard} info entry (spring-boot-actuator) and the Micrometer
 * meters on Boot's registry (micrometer-core and a {@code MeterRegistry} bean).
 *
 * <pre>
 * management.endpoints.web.exposure.include=health,info,metrics
 * management.endpoint.health.show-details=always
 * </pre>
 */
@AutoConfiguration(after = SwitchboardAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBean(SwitchboardLifecycle.class)
public class SwitchboardActuatorAutoConfiguration {

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "switchboardHealthIndicator")
    SwitchboardHealthIndicator switchboardHealthIndicator(Server server, SwitchboardLifecycle lifecycle) {
      return new SwitchboardHealthIndicator(server, lifecycle);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
  static class InfoConfiguration {
    @Bean
    @ConditionalOnMissingBean
    SwitchboardInfoContributor switchboardInfoContributor(Server server, SwitchboardLifecycle lifecycle) {
      return new SwitchboardInfoContributor(server, lifecycle);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  @ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean
    SwitchboardMeterBinding switchboardMeterBinding(io.micrometer.core.instrument.MeterRegistry registry) {
      return new SwitchboardMeterBinding(registry);
    }
  }
}
