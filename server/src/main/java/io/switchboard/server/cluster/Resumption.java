package io.switchboard.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What an adapter's packet store gives a client that resumes from an offset (an event stream's
 * {@code Last-Event-ID}): the broadcasts it missed, and the offset of the newest stored broadcast. An adapter with a
 * packet store gives it to the {@code register} function of {@link io.switchboard.server.Adapter#resume}.
 *
 * <pre>{@code
 * adapter.resume(id, rooms, lastEventId, found -> {
 *   if (found.missed() == null) log.info("{} starts afresh", id);   // unknown or too old an offset
 *   return found;
 * });
 * }</pre>
 *
 * @param missed   the EVENT payloads missed, in order, each ending with its offset; {@code null} if the offset is not
 *                 one of this store's, or is too old (what followed it is no longer all stored)
 * @param position the offset of the newest stored broadcast, where a client starting now begins, or {@code null}
 *                 when the adapter stores nothing
 */
public record Resumption(List<JsonNode> missed, String position) {
  /** Nothing stored: no resumption, no position. */
  public static final Resumption NONE = new Resumption(null, null);

  /**
   * Copies the missed payloads.
   *
   * @param missed   the EVENT payloads missed, in order, or {@code null} when the offset cannot be resumed from
   * @param position the offset of the newest stored broadcast, or {@code null} when the adapter stores nothing
   */
  public Resumption {
    missed = missed == null ? null : List.copyOf(missed);
  }
}
