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

  /**
   * Decides on one upgrade request; called on the connection's event loop, so it must not block.
   *
   * @param request the upgrade request
   * @return the decision, now (a completed stage) or later; a stage still open after
   *     {@link WebSocketOptions#authTimeout()} refuses the upgrade with 503
   */
  CompletionStage<Admission> authenticate(WebSocketRequest request);

  /**
   * {@return an authenticator that decides at once, on the event loop} An exception {@code decide} throws refuses
   * the upgrade with 500.
   *
   * @param decide the decision on a request; it must not block
   * @throws NullPointerException if {@code decide} is null
   */
  static WebSocketAuthenticator sync(Function<WebSocketRequest, Admission> decide) {
    Objects.requireNonNull(decide, "decide");
    return req -> CompletableFuture.completedFuture(decide.apply(req));
  }
}
