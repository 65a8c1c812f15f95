package io.switchboard.chat.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.TokenService;
import io.switchboard.chat.http.Exchange;
import io.switchboard.chat.http.Route;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sign-in over HTTP: {@code POST /api/login {"username","password"}} answers {@code {"token","username","expiresIn"}}
 * (the first login of a new name registers it), {@code POST /api/refresh} a new token for a valid one.
 *
 * <pre>{@code
 * routes.addAll(new AuthRoutes(chat, HttpApi::token).routes());
 * }</pre>
 */
public final class AuthRoutes {
  private final ChatService chat;
  private final Function<Exchange, String> token;

  /**
   * @param token finds the token of a request (header, cookie or query parameter)
   */
  public AuthRoutes(ChatService chat, Function<Exchange, String> token) {
    this.chat = chat;
    this.token = token;
  }

  public List<Route> routes() {
    return List.of(
        Route.post("/api/login", Route.PUBLIC, this::login),
        Route.post("/api/refresh", Route.PUBLIC, this::refresh));
  }

  private void login(Exchange ex) {
    JsonNode body = ex.jsonBody();
    Object username = body.path("username").isTextual() ? body.get("username").asText() : null;
    Object password = body.path("password").isTextual() ? body.get("password").asText() : null;
    ex.reply(chat.login(username, password).thenApply(t -> ChatJson.MAPPER.createObjectNode()
        .put("token", t).put("username", (String) username)
        .put("expiresIn", chat.tokens().lifetime().toSeconds())));
  }

  private void refresh(Exchange ex) {
    Optional<TokenService.Claims> who = chat.tokens().verify(token.apply(ex));
    if (who.isEmpty()) {
      ex.respond(HttpResponseStatus.UNAUTHORIZED, ChatJson.error("Authentication failed"));
      return;
    }
    ex.respond(HttpResponseStatus.OK, ChatJson.ok().put("token", chat.tokens().issue(who.get().username()))
        .put("expiresIn", chat.tokens().lifetime().toSeconds()));
  }
}
