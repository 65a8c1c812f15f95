package io.switchboard.bench.report;

/** Placeholder until the report lands. */
public final class Report {
  private Report() {}

  public static void main(String... args) {
    throw new UnsupportedOperationException("report");
  }
}
