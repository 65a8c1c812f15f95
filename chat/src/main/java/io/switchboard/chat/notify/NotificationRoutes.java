package io.switchboard.chat.notify;

import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.http.Route;
import java.util.List;

/**
 * Notifications over HTTP: {@code GET /api/notifications?limit=} (the latest, newest first). The live stream of them,
 * {@code GET /api/events}, is {@code EventStream}'s.
 *
 * <pre>{@code
 * routes.addAll(new NotificationRoutes(chat).routes());
 * }</pre>
 */
public final class NotificationRoutes {
  private final ChatService chat;

  public NotificationRoutes(ChatService chat) {
    this.chat = chat;
  }

  public List<Route> routes() {
    return List.of(Route.get("/api/notifications", Route.SIGNED_IN, ex -> {
      Long limit = ex.longParam("limit");
      ex.reply(chat.notifications(ex.user(), limit == null ? 50 : limit.intValue())
          .thenApply(list -> ChatJson.ok().set("notifications", ChatJson.MAPPER.valueToTree(list))));
    }));
  }
}
