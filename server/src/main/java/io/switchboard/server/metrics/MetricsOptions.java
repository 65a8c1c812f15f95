package io.switchboard.server.metrics;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SwitchboardMetrics} measures beyond its fixed set of meters.
 *
 * <pre>{@code
 * MetricsOptions opts = MetricsOptions.builder()
 *     .eventNames(Set.of("chat message", "typing"))    // counted on their own; every other name only in the totals
 *     .eventLoopProbe(Duration.ofSeconds(5))
 *     .build();
 * new SwitchboardMetrics(io, opts).bindTo(registry);
 * }</pre>
 */
public final class MetricsOptions {
  /** No event names, durations measured, the event loops probed every second. */
  public static final MetricsOptions DEFAULT = builder().build();

  private final Set<String> eventNames;
  private final boolean durations;
  private final Duration eventLoopProbe;

  private MetricsOptions(Builder b) {
    this.eventNames = Set.copyOf(b.eventNames);
    this.durations = b.durations;
    this.eventLoopProbe = Objects.requireNonNull(b.eventLoopProbe, "eventLoopProbe");
    if (eventLoopProbe.isNegative()) {
      throw new IllegalArgumentException("eventLoopProbe must not be negative: " + eventLoopProbe);
    }
  }

  /** {@return a builder with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the event names counted on their own ({@code event} tag); a fixed list keeps the series bounded} Default
   * none.
   */
  public Set<String> eventNames() {
    return eventNames;
  }

  /**
   * {@return whether handler time and acknowledgement round trips are measured (two {@code System.nanoTime()} calls
   * per handler run and per acknowledgement)} Default {@code true}.
   */
  public boolean durations() {
    return durations;
  }

  /**
   * {@return how often a task is posted to each event loop to measure how long it waits; {@link Duration#ZERO}: never}
   * Default 1 s.
   */
  public Duration eventLoopProbe() {
    return eventLoopProbe;
  }

  /** {@return a builder starting from these options} */
  public Builder toBuilder() {
    return new Builder().eventNames(eventNames).durations(durations).eventLoopProbe(eventLoopProbe);
  }

  /** Builds {@link MetricsOptions}. */
  public static final class Builder {
    private Set<String> eventNames = Set.of();
    private boolean durations = true;
    private Duration eventLoopProbe = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Sets {@link MetricsOptions#eventNames()}.
     *
     * @param names the event names; copied when built
     * @return this builder
     * @throws NullPointerException if {@code names} is null
     */
    public Builder eventNames(Set<String> names) {
      this.eventNames = Objects.requireNonNull(names, "names");
      return this;
    }

    /**
     * Sets {@link MetricsOptions#durations()}.
     *
     * @param on whether to measure durations
     * @return this builder
     */
    public Builder durations(boolean on) {
      this.durations = on;
      return this;
    }

    /**
     * Sets {@link MetricsOptions#eventLoopProbe()}.
     *
     * @param interval the probe interval, or {@link Duration#ZERO} for no probe
     * @return this builder
     */
    public Builder eventLoopProbe(Duration interval) {
      this.eventLoopProbe = interval;
      return this;
    }

    /**
     * {@return the options}
     *
     * @throws NullPointerException     if the probe interval is null
     * @throws IllegalArgumentException if the probe interval is negative
     */
    public MetricsOptions build() {
      return new MetricsOptions(this);
    }
  }
}
