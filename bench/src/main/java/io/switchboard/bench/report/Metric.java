package io.switchboard.bench.report;

/**
 * One row of the results table: a field of one case's JSON result, and which direction is better.
 *
 * <pre>{@code
 * new Metric("fanout-50k", "server_cpu_us_per_delivery", "fan-out at 50k deliveries/s: server CPU per delivery",
 *     "µs", true);
 * }</pre>
 *
 * @param caseName      the result file's name, {@code <case>.json}
 * @param field         the JSON field
 * @param title         the row's title
 * @param unit          the unit shown after the numbers
 * @param lowerIsBetter whether a smaller number wins (CPU, latency, memory) or a larger one (rates)
 */
public record Metric(String caseName, String field, String title, String unit, boolean lowerIsBetter) {}
