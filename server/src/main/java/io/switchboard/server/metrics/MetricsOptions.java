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

  public static Builder builder() {
    return new Builder();
  }

  /** Event names counted on their own ({@code event} tag); a fixed list keeps the series bounded. Default none. */
  public Set<String> eventNames() {
    return eventNames;
  }

  /**
   * Whether handler time and acknowledgement round trips are measured (two {@code System.nanoTime()} calls per
   * handler run and per acknowledgement). Default {@code true}.
   */
  public boolean durations() {
    return durations;
  }

  /** How often a task is posted to each event loop to measure how long it waits; {@link Duration#ZERO}: never.
   * Default 1 s. */
  public Duration eventLoopProbe() {
    return eventLoopProbe;
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder().eventNames(eventNames).durations(durations).eventLoopProbe(eventLoopProbe);
  }

  /** Builds {@link MetricsOptions}. */
  public static final class Builder {
    private Set<String> eventNames = Set.of();
    private boolean durations = true;
    private Duration eventLoopProbe = Duration.ofSeconds(1);

    private Builder() {}

    public Builder eventNames(Set<String> names) {
      this.eventNames = Objects.requireNonNull(names, "names");
      return this;
    }

    public Builder durations(boolean on) {
      this.durations = on;
      return this;
    }

    public Builder eventLoopProbe(Duration interval) {
      this.eventLoopProbe = interval;
      return this;
    }

    public MetricsOptions build() {
      return new MetricsOptions(this);
    }
  }
}
