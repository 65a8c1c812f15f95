package io.switchboard.engine.ws;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Decides on a WebSocket upgrade request before the handshake: accepts it (with an attachment, such as the user the
 * request's cookie or token names) or refuses it with an HTTP status. A refused client never becomes a WebSocket.
 *
 * <pre>{@code
 * WebSocketAuthenticator byCookie = WebSocketAuthenticator.sync(req -> {
 *   User user = sessions.find(req.cookie("session"));
 *   return user == null ? Admission.refuse(401) : Admission.accept(user);
 * });
 * WebSocketAuthenticator byDatabase = req ->                          // asynchronous: keep the event loop free
 *     CompletableFuture.supplyAsync(() -> lookUp(req.queryParam("token")), jdbcPool);
 * }</pre>
 *
 * <p>It is called on the connection's event loop: a check that blocks (a database, Redis) must return a stage that
 * completes elsewhere. An exception, or a stage that fails, refuses the upgrade with 500.
 */
@FunctionalInterface
public interface WebSocketAuthenticator {
  /** Accepts every request, with no attachment. */
  WebSocketAuthenticator ACCEPT_ALL = sync(req -> Admission.accept());

  /** The decision on this request, now or later. */
  CompletionStage<Admission> authenticate(WebSocketRequest request);

  /** An authenticator that decides at once, on the event loop (it must not block). */
  static WebSocketAuthenticator sync(Function<WebSocketRequest, Admission> decide) {
    Objects.requireNonNull(decide, "decide");
    return req -> CompletableFuture.completedFuture(decide.apply(req));
  }
}
