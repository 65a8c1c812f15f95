package io.switchboard.chat.typing;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.InputRules;
import io.switchboard.chat.socket.Connection;
import io.switchboard.chat.socket.Replies;

/**
 * The {@code typing ({room, isTyping})} event of a connection: checked, then handed to {@link Typing}, which
 * broadcasts {@code user:typing {room, username, isTyping}} to the room but the sender's own tabs.
 *
 * <pre>{@code
 * new TypingEvents(typing).attach(connection);
 * }</pre>
 */
public final class TypingEvents {
  private final Typing typing;

  public TypingEvents(Typing typing) {
    this.typing = typing;
  }

  public void attach(Connection c) {
    c.socket().on("typing", (args, ack) -> Replies.answer(ack, () -> {
      JsonNode body = Replies.object(args);
      String room = Replies.text(body, "room");
      InputRules.checkRoom(room).ifPresent(error -> {
        throw new ChatException(error);
      });
      if (!c.socket().rooms().contains(room)) {
        throw new ChatException("Join #" + room + " first");
      }
      typing.update(c.username(), room, body.path("isTyping").asBoolean(false));
      return ChatJson.ok();
    }));
  }
}
