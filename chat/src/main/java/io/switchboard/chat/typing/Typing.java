package io.switchboard.chat.typing;

/**
 * Where "is typing" signals go: to the room's other members, throttled, and ending by themselves.
 *
 * <pre>{@code
 * Typing typing = new TypingTracker(timer, Duration.ofSeconds(2), Duration.ofSeconds(5), clock, broadcast);
 * typing.update("alice", "general", true);
 * }</pre>
 */
public interface Typing {
  /** A typing signal of {@code username} in {@code room}. */
  void update(String username, String room, boolean isTyping);

  /** Stops every typing state of {@code username} held here (their last connection here closed). */
  void stopAll(String username);
}
