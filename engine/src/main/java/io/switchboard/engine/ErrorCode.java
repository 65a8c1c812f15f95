package io.switchboard.engine;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * An Engine.IO request error, as answered in the body of an HTTP error: {@code {"code":1,"message":"Session ID unknown"}}.
 *
 * <pre>{@code
 * ErrorCode.UNKNOWN_SID.json(); // {"code":1,"message":"Session ID unknown"}
 * }</pre>
 */
public enum ErrorCode {
  /** 0, 400: the {@code transport} query parameter is missing, unknown, or names a transport not offered. */
  UNKNOWN_TRANSPORT(0, "Transport unknown", HttpResponseStatus.BAD_REQUEST),
  /** 1, 400: the {@code sid} names no open session (it closed, or lives on another server without sticky sessions). */
  UNKNOWN_SID(1, "Session ID unknown", HttpResponseStatus.BAD_REQUEST),
  /** 2, 400: a handshake (a request without {@code sid}) that is not a GET. */
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method", HttpResponseStatus.BAD_REQUEST),
  /**
   * 3, 400: any other malformed request, such as a WebSocket request that is not an upgrade, an upgrade while
   * upgrades are off, or a polling body that is binary or not UTF-8.
   */
  BAD_REQUEST(3, "Bad request", HttpResponseStatus.BAD_REQUEST),
  /**
   * 4, 403: refused by {@link EngineOptions#allowedOrigins()} or {@link EngineOptions#allowRequest()}, or a handshake
   * after the server closed.
   */
  FORBIDDEN(4, "Forbidden", HttpResponseStatus.FORBIDDEN),
  /** 5, 400: a handshake whose {@code EIO} query parameter is not 4. */
  UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version", HttpResponseStatus.BAD_REQUEST);

  private final int code;
  private final String message;
  private final HttpResponseStatus status;

  ErrorCode(int code, String message, HttpResponseStatus status) {
    this.code = code;
    this.message = message;
    this.status = status;
  }

  /** {@return the number on the wire} */
  public int code() {
    return code;
  }

  /** {@return the message on the wire} */
  public String message() {
    return message;
  }

  /** {@return the HTTP status that carries this error} */
  public HttpResponseStatus status() {
    return status;
  }

  /** {@return the JSON body of the error response} */
  public String json() {
    return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
  }
}
