/**
 * Micrometer metrics for a {@link io.switchboard.server.Server}:
 * {@link io.switchboard.server.metrics.SwitchboardMetrics} binds the server's live counters
 * ({@link io.switchboard.server.ServerStats}) to a meter registry, read at scrape time, and
 * {@link io.switchboard.server.metrics.MetricsOptions} chooses what is measured beyond the fixed meters.
 *
 * <pre>{@code
 * new SwitchboardMetrics(io, MetricsOptions.DEFAULT).bindTo(prometheusRegistry);
 * }</pre>
 */
package io.switchboard.server.metrics;
