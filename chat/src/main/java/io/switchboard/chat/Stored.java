package io.switchboard.chat;

/**
 * What storing a message gave: the stored message, and whether it was there already (a retry with a client id the
 * sender used before: nothing new was stored, and nothing is sent again).
 *
 * <pre>{@code
 * Stored<ChatMessage> s = chat.postMessage("general", "alice", "hi", "c-41").join();
 * if (!s.duplicate()) io.to("general").emit("chat:message", s.message());
 * }</pre>
 */
public record Stored<T>(T message, boolean duplicate) {}
