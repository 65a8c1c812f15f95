package io.switchboard.chat;

/**
 * A stored room message, as sent to clients in {@code chat:message} (JSON fields {@code id, room, from, text, ts}).
 *
 * <pre>{@code
 * ChatMessage m = messages.append(conn, "general", "alice", "hello", System.currentTimeMillis());
 * }</pre>
 */
public record ChatMessage(long id, String room, String from, String text, long ts) {}
