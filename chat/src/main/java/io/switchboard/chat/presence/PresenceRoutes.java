package io.switchboard.chat.presence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.http.Route;
import java.util.List;

/**
 * Presence over HTTP: {@code GET /api/online} answers {@code {"users","count"}}, who is online cluster-wide (the list
 * {@code user:online} carries), for tools and health checks.
 *
 * <pre>{@code
 * routes.addAll(new PresenceRoutes(presence).routes());
 * }</pre>
 */
public final class PresenceRoutes {
  private final Presence presence;

  public PresenceRoutes(Presence presence) {
    this.presence = presence;
  }

  public List<Route> routes() {
    return List.of(Route.get("/api/online", Route.SIGNED_IN, ex -> ex.respond(HttpResponseStatus.OK,
        ChatJson.ok().setAll((ObjectNode) ChatJson.MAPPER.valueToTree(presence.online())))));
  }
}
