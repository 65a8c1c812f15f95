package io.switchboard.chat;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A stored room message, as sent to clients in {@code chat:message} (JSON fields {@code id, room, from, text, ts},
 * and {@code clientId} when the sender gave one).
 *
 * <pre>{@code
 * ChatMessage m = messages.append(conn, "general", "alice", "hello", System.currentTimeMillis(), "c-41");
 * }</pre>
 */
public record ChatMessage(long id, String room, String from, String text, long ts,
    @JsonInclude(JsonInclude.Include.NON_NULL) String clientId) {
  /** A message without a client id. */
  public ChatMessage(long id, String room, String from, String text, long ts) {
    this(id, room, from, text, ts, null);
  }
}
