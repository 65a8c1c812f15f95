package io.switchboard.server;

import io.switchboard.engine.EngineRequest;

/**
 * Decides, from the HTTP request alone (headers, query, cookies, client address), whether a plain WebSocket or a
 * Server-Sent Events client may connect, and as whom.
 *
 * <pre>{@code
 * HttpAuthenticator bearer = req -> {
 *   String token = req.queryParam("token") != null ? req.queryParam("token") : req.cookie("token");
 *   if (token == null) return Admission.refuse(401, "Unauthorized");
 *   String user = tokens.verify(token);
 *   return user != null ? Admission.user(user) : Admission.refuse(403, "Forbidden");
 * };
 * }</pre>
 *
 * <p>Runs on the server's handler executor, never on a Netty I/O thread: it may block (a database look-up). An
 * exception refuses the request with 500.
 */
@FunctionalInterface
public interface HttpAuthenticator {
  /** Everyone is admitted, anonymous. */
  HttpAuthenticator ANYONE = req -> Admission.anonymous();

  /**
   * Decides about one request.
   *
   * @param request the HTTP request (headers, query, cookies, remote address); its body is not read
   * @return the decision, never {@code null}
   * @throws Exception anything: the request is refused with 500
   */
  Admission admit(EngineRequest request) throws Exception;
}
