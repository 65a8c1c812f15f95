package io.switchboard.engine;

/**
 * A hook that accepts or refuses a handshake or a WebSocket upgrade before any session state changes; a refusal
 * answers HTTP 403 {@code {"code":4,"message":"Forbidden"}}.
 *
 * <pre>{@code
 * RequestVerifier sameOrigin = req -> "https://chat.example".equals(req.header("origin"));
 * EngineOptions.builder().allowRequest(sameOrigin).build();
 * }</pre>
 *
 * <p>CORS does not protect WebSocket upgrades, so this hook also runs on them. It runs on a Netty event loop and must
 * not block.
 */
@FunctionalInterface
public interface RequestVerifier {
  /**
   * {@return whether the request may open a session, or upgrade one} An exception thrown here is logged and refuses
   * the request, as false does.
   *
   * @param request the handshake or upgrade request
   */
  boolean allow(EngineRequest request);
}
