package io.switchboard.redis;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Waits for a stage in tests. */
final class ClusterAdapterContractAccess {
  private ClusterAdapterContractAccess() {}

  static <T> T get(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
