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
  UNKNOWN_TRANSPORT(0, "Transport unknown", HttpResponseStatus.BAD_REQUEST),
  UNKNOWN_SID(1, "Session ID unknown", HttpResponseStatus.BAD_REQUEST),
  BAD_HANDSHAKE_METHOD(2, "Bad handshake method", HttpResponseStatus.BAD_REQUEST),
  BAD_REQUEST(3, "Bad request", HttpResponseStatus.BAD_REQUEST),
  FORBIDDEN(4, "Forbidden", HttpResponseStatus.FORBIDDEN),
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
