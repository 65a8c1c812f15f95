package io.switchboard.chat.rooms;

import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.http.Exchange;
import io.switchboard.chat.http.Route;
import java.util.List;

/**
 * Rooms over HTTP: {@code GET /api/rooms} (with message counts) and
 * {@code GET /api/rooms/{room}/messages?before=&limit=} (history, oldest first).
 *
 * <pre>{@code
 * routes.addAll(new RoomRoutes(chat).routes());
 * }</pre>
 */
public final class RoomRoutes {
  private final ChatService chat;

  public RoomRoutes(ChatService chat) {
    this.chat = chat;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/rooms", Route.SIGNED_IN, ex -> ex.reply(chat.rooms()
            .thenApply(rooms -> ChatJson.ok().set("rooms", ChatJson.MAPPER.valueToTree(rooms))))),
        Route.get("/api/rooms/{room}/messages", Route.SIGNED_IN, this::history));
  }

  private void history(Exchange ex) {
    Long before = ex.longParam("before");
    Long limit = ex.longParam("limit");
    ex.reply(chat.history(ex.segment(1), before, limit == null ? ChatService.JOIN_HISTORY : limit.intValue())
        .thenApply(list -> ChatJson.ok().set("messages", ChatJson.MAPPER.valueToTree(list))));
  }
}
