package io.switchboard.server;

import java.util.List;

/**
 * An acknowledgement did not arrive within the emit's timeout ("operation has timed out"); for a broadcast it carries
 * the answers that did arrive.
 *
 * <pre>{@code
 * socket.timeout(Duration.ofSeconds(5)).emitWithAck("ping").whenComplete((args, err) -> {
 *   if (err instanceof AckTimeoutException) log.info("no answer");
 * });
 * }</pre>
 */
public final class AckTimeoutException extends RuntimeException {
  private final transient List<Args> partial;

  /**
   * An exception with the answers that arrived in time.
   *
   * @param partial the answers that arrived before the timeout, in arrival order (copied; empty for a single socket)
   */
  public AckTimeoutException(List<Args> partial) {
    super("operation has timed out", null, false, false);
    this.partial = List.copyOf(partial);
  }

  /** {@return the answers that arrived before the timeout (always empty for a single socket)} */
  public List<Args> partialResponses() {
    return partial;
  }
}
