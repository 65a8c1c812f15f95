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
 * @param total         whether the cell is the sum over the rounds (losses) rather than their median and spread
 */
public record Metric(String caseName, String field, String title, String unit, boolean lowerIsBetter, boolean total) {
  /**
   * A row whose cells are the median of the rounds with their spread.
   *
   * @param caseName      the result file's name, {@code <case>.json}
   * @param field         the JSON field
   * @param title         the row's title
   * @param unit          the unit shown after the numbers
   * @param lowerIsBetter whether a smaller number wins
   */
  public Metric(String caseName, String field, String title, String unit, boolean lowerIsBetter) {
    this(caseName, field, title, unit, lowerIsBetter, false);
  }

  /**
   * A row of losses: the sum over the rounds of {@code field}, lower is better.
   *
   * @param caseName the result file's name
   * @param field    the JSON field ({@code lost})
   * @param title    the row's title
   * @return the row
   */
  public static Metric loss(String caseName, String field, String title) {
    return new Metric(caseName, field, title, "", true, true);
  }
}
