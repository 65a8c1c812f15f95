package io.switchboard.engine;

/**
 * Why the server refused a client's input or request, as counted in {@link EngineStats}.
 *
 * <pre>{@code
 * long busy = engine.stats().count(Refusal.INPUT_BUDGET);   // 503s and closes 1013 so far
 * }</pre>
 */
public enum Refusal {
  /** A session sent more than {@link EngineOptions#untrustedInputLimit()} before it was trusted (413, close 1009). */
  UNTRUSTED_INPUT_LIMIT,
  /** The server held {@link EngineOptions#maxBufferedInput()} of unfinished input already (503, close 1013). */
  INPUT_BUDGET,
  /** A polling body or WebSocket message larger than {@link EngineOptions#maxHttpBufferSize()} (413, close 1009). */
  MESSAGE_TOO_BIG,
  /** A WebSocket message in more than {@link EngineOptions#maxFragmentsPerMessage()} fragments (close 1008). */
  TOO_MANY_FRAGMENTS,
  /** More than {@link EngineOptions#maxFramesPerSecond()} WebSocket frames in a second (close 1008). */
  FRAME_RATE,
  /** A WebSocket frame that breaks RFC 6455 (close 1002, or 1007 for invalid UTF-8). */
  PROTOCOL_ERROR,
  /** A WebSocket close frame with an invalid status code or reason (close 1002 or 1007). */
  INVALID_CLOSE_FRAME,
  /** A request from an origin that is not allowed, or without an origin when one is required (403). */
  ORIGIN,
  /** A polling POST of {@code application/octet-stream}, which protocol v4 does not use (400). */
  BINARY_POLLING_BODY,
  /** A polling POST whose body is not valid UTF-8 (400). */
  INVALID_UTF8
}
