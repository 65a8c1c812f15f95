package io.switchboard.spring;

import io.switchboard.server.NamespaceStats;
import io.switchboard.server.Server;
import io.switchboard.server.cluster.ClusterStats;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code switchboard} health component: UP while the server listens and its cluster adapter (if any) reaches its
 * backend, with the connection count, per transport and per namespace, and the adapter's link.
 *
 * <pre>
 * GET /actuator/health/switchboard
 * {"status":"UP","details":{"port":3001,"connections":2,"transports":{"websocket":2},"namespaces":{"/":2},
 *  "adapter":{"servers":1,"linkUp":true,"linkLosses":0}}}
 * </pre>
 */
public final class SwitchboardHealthIndicator implements HealthIndicator {
  private final Server server;
  private final SwitchboardLifecycle lifecycle;

  /**
   * Makes the indicator; the starter registers one when the actuator is on the class path.
   *
   * @param server the server reported on
   * @param lifecycle its lifecycle, which says whether it listens
   */
  public SwitchboardHealthIndicator(Server server, SwitchboardLifecycle lifecycle) {
    this.server = server;
    this.lifecycle = lifecycle;
  }

  @Override
  public Health health() {
    if (!lifecycle.isRunning() || server.isClosing()) {
      return Health.down().withDetail("listening", false).build();
    }
    Map<String, Long> transports = server.stats().connectionsByTransport();
    long connections = transports.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> namespaces = new LinkedHashMap<>();
    ClusterStats cluster = null;
    for (NamespaceStats n : server.stats().namespaces()) {
      namespaces.put(n.name(), n.connections().values().stream().mapToLong(Long::longValue).sum());
      ClusterStats c = n.cluster();
      if (c != null && (cluster == null || !c.linkUp())) {
        cluster = c;
      }
    }
    Health.Builder h = Health.up().withDetail("port", server.port()).withDetail("connections", connections)
        .withDetail("transports", transports).withDetail("namespaces", namespaces);
    if (cluster != null) {
      h.withDetail("adapter", Map.of("servers", cluster.servers(), "linkUp", cluster.linkUp(),
          "linkLosses", cluster.linkLosses()));
      if (!cluster.linkUp()) {
        h.down();
      }
    } else {
      h.withDetail("adapter", "in-memory");
    }
    return h.build();
  }
}
