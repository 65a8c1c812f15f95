package io.switchboard.engine.ws;

/**
 * The close codes of RFC 6455 (section 7.4.1) as this endpoint uses them.
 *
 * <pre>{@code
 * connection.close(CloseCodes.NORMAL, "bye");
 * handler: onClose(c, code, reason) -> if (code == CloseCodes.ABNORMAL) { ... the TCP connection dropped }
 * }</pre>
 */
public final class CloseCodes {
  /** 1000: the purpose of the connection is fulfilled. */
  public static final int NORMAL = 1000;
  /** 1001: the server shuts down ({@link WebSocketEndpoint#close()}) or the client leaves the page. */
  public static final int GOING_AWAY = 1001;
  /** 1002: a frame broke RFC 6455 (reserved bits or opcodes, unmasked, bad control frame, invalid close code). */
  public static final int PROTOCOL_ERROR = 1002;
  /** 1003: a message of a type the endpoint does not take. */
  public static final int UNSUPPORTED_DATA = 1003;
  /** 1005: reported by {@code onClose} for a close frame without a code; never sent. */
  public static final int NO_STATUS = 1005;
  /** 1006: reported by {@code onClose} when the connection ended without a close frame; never sent. */
  public static final int ABNORMAL = 1006;
  /** 1007: a text message (or close reason) that is not valid UTF-8, found as soon as the bad byte arrives. */
  public static final int INVALID_PAYLOAD = 1007;
  /** 1008: a policy: too many fragments or frames a second, or a slow consumer. */
  public static final int POLICY_VIOLATION = 1008;
  /** 1009: a message larger than {@code maxPayload}, refused from the frame header that announces it. */
  public static final int MESSAGE_TOO_BIG = 1009;
  /** 1011: the server failed (a handler threw). */
  public static final int INTERNAL_ERROR = 1011;
  /** 1013: the server holds too much unfinished input from all clients ({@code maxBufferedInput}). */
  public static final int TRY_AGAIN_LATER = 1013;

  private CloseCodes() {}

  /**
   * {@return whether an endpoint may send this code in a close frame: 1000–1003, 1007–1014 and the range 3000–4999
   * (registered and private codes)} 1004, 1005, 1006 and 1015 never go on the wire.
   *
   * @param code a close code
   */
  public static boolean isSendable(int code) {
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
        || (code >= 3000 && code <= 4999);
  }
}
