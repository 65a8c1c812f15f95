package io.switchboard.chat.direct;

import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.InputRules;
import io.switchboard.chat.http.Exchange;
import io.switchboard.chat.http.Route;
import java.util.List;

/**
 * Private conversations over HTTP: {@code GET /api/private} (the users one has exchanged messages with) and
 * {@code GET /api/private/{user}?limit=} (one conversation, oldest first).
 *
 * <pre>{@code
 * routes.addAll(new PrivateRoutes(chat).routes());
 * }</pre>
 */
public final class PrivateRoutes {
  private final ChatService chat;

  public PrivateRoutes(ChatService chat) {
    this.chat = chat;
  }

  public List<Route> routes() {
    return List.of(
        Route.get("/api/private", Route.SIGNED_IN, ex -> ex.reply(chat.partners(ex.user())
            .thenApply(list -> ChatJson.ok().set("users", ChatJson.MAPPER.valueToTree(list))))),
        Route.get("/api/private/{user}", Route.SIGNED_IN, this::conversation));
  }

  private void conversation(Exchange ex) {
    String other = ex.segment(1);
    InputRules.checkUsername(other).ifPresent(error -> {
      throw new ChatException(error);
    });
    Long limit = ex.longParam("limit");
    ex.reply(chat.conversation(ex.user(), other, limit == null ? ChatService.JOIN_HISTORY : limit.intValue())
        .thenApply(list -> ChatJson.ok().set("messages", ChatJson.MAPPER.valueToTree(list))));
  }
}
