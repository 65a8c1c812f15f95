package io.switchboard.chat.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatMessage;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.InputRules;
import io.switchboard.chat.Stored;
import io.switchboard.chat.flood.FloodGate;
import io.switchboard.chat.presence.Presence;
import io.switchboard.chat.socket.Connection;
import io.switchboard.chat.socket.Replies;
import io.switchboard.chat.typing.Typing;
import io.switchboard.server.Namespace;
import io.switchboard.server.Socket;
import java.util.List;

/**
 * The room events of a connection: {@code room:join}, {@code room:leave}, {@code room:message},
 * {@code history:fetch}. Handlers run one at a time per client, so a client's messages are stored and sent in the
 * order it sent them; a message is acknowledged once it is on disk ({@link ChatService#postMessage}). A message may
 * carry the client's own id for it ({@code clientId}, up to 64 characters): a retry with the same id is answered
 * with the message stored the first time, and neither stored nor sent again.
 *
 * <pre>{@code
 * RoomEvents rooms = new RoomEvents(chat, nsp, presence, flood, typing);
 * nsp.onConnection(socket -> rooms.attach(connection));
 * }</pre>
 */
public final class RoomEvents {
  private final ChatService chat;
  private final Namespace nsp;
  private final Presence presence;
  private final FloodGate flood;
  private final Typing typing;

  public RoomEvents(ChatService chat, Namespace nsp, Presence presence, FloodGate flood, Typing typing) {
    this.chat = chat;
    this.nsp = nsp;
    this.presence = presence;
    this.flood = flood;
    this.typing = typing;
  }

  public void attach(Connection c) {
    Socket socket = c.socket();
    socket.on("room:join", (args, ack) -> Replies.answer(ack, () -> join(c, Replies.room(args))));
    socket.on("room:leave", (args, ack) -> Replies.answer(ack, () -> leave(c, Replies.room(args))));
    socket.on("room:message", (args, ack) -> Replies.answer(ack, () -> message(c, Replies.object(args))));
    socket.on("history:fetch", (args, ack) -> Replies.answer(ack, () -> history(Replies.object(args))));
  }

  /** Joins the room (created if new); answers the last messages and the members, and tells the room if first. */
  private ObjectNode join(Connection c, String room) {
    InputRules.checkRoom(room).ifPresent(RoomEvents::refuse);
    Replies.await(chat.ensureRoom(room));
    c.socket().join(room);
    presence.joined(c.username(), room);
    List<ChatMessage> messages = Replies.await(chat.history(room, null, ChatService.JOIN_HISTORY));
    ObjectNode ok = ChatJson.ok().put("room", room);
    ok.set("messages", ChatJson.MAPPER.valueToTree(messages));
    ok.set("members", ChatJson.MAPPER.valueToTree(presence.members(room)));
    return ok;
  }

  private ObjectNode leave(Connection c, String room) {
    InputRules.checkRoom(room).ifPresent(RoomEvents::refuse);
    if (!c.socket().rooms().contains(room)) {
      throw new ChatException("Not in room " + room);
    }
    c.socket().leave(room);
    typing.update(c.username(), room, false);
    presence.left(c.username(), room);
    return ChatJson.ok().put("room", room);
  }

  private ObjectNode message(Connection c, JsonNode body) {
    String room = Replies.text(body, "room");
    String text = Replies.text(body, "text");
    InputRules.checkRoom(room).or(() -> InputRules.checkText(text))
        .or(() -> InputRules.checkClientId(Replies.clientId(body))).ifPresent(RoomEvents::refuse);
    if (!c.socket().rooms().contains(room)) {
      throw new ChatException("Join #" + room + " first");
    }
    if (!flood.tryAcquire(c.username())) {
      throw new ChatException("Too many messages: at most " + flood.limit() + " a second");
    }
    typing.update(c.username(), room, false);
    Stored<ChatMessage> stored = Replies.await(chat.postMessage(room, c.username(), text, Replies.clientId(body)));
    if (!stored.duplicate()) { // a retry was sent (or recovered) already
      nsp.to(room).emit("chat:message", stored.message());
    }
    ObjectNode ok = ChatJson.ok();
    ok.set("message", ChatJson.MAPPER.valueToTree(stored.message()));
    return ok;
  }

  private ObjectNode history(JsonNode body) {
    JsonNode before = body.path("before");
    Long b = before.canConvertToLong() && !before.isNull() && !before.isMissingNode() ? before.asLong() : null;
    int limit = body.path("limit").canConvertToInt() ? body.get("limit").asInt() : ChatService.JOIN_HISTORY;
    List<ChatMessage> list = Replies.await(chat.history(Replies.text(body, "room"), b, limit));
    ObjectNode ok = ChatJson.ok();
    ok.set("messages", ChatJson.MAPPER.valueToTree(list));
    return ok;
  }

  private static void refuse(String error) {
    throw new ChatException(error);
  }
}
