package io.switchboard.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.server.metrics.SwitchboardMetrics;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;

/**
 * Binds {@link SwitchboardMetrics} to Boot's {@link MeterRegistry} once the server listens (so that the HTTP
 * server's meters are there too); the {@code switchboard.*} meters then show in {@code /actuator/metrics} and {@code
 * /actuator/prometheus}.
 *
 * <pre>
 * GET /actuator/metrics/switchboard.connections
 * </pre>
 */
public final class SwitchboardMeterBinding implements ApplicationListener<SwitchboardStartedEvent>, DisposableBean {
  private final MeterRegistry registry;
  private SwitchboardMetrics metrics;

  /**
   * Makes the binding; the starter registers one when Micrometer and a registry are there.
   *
   * @param registry the registry the meters go to
   */
  public SwitchboardMeterBinding(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public synchronized void onApplicationEvent(SwitchboardStartedEvent event) {
    if (metrics == null) {
      metrics = new SwitchboardMetrics(event.server());
      metrics.bindTo(registry);
    }
  }

  @Override
  public synchronized void destroy() {
    if (metrics != null) {
      metrics.close();
    }
  }
}
