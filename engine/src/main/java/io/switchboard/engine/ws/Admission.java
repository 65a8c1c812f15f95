package io.switchboard.engine.ws;

/**
 * The decision of a {@link WebSocketAuthenticator}: the upgrade proceeds (with an attachment the connection carries
 * from then on) or it is refused with an HTTP status and a short plain-text body.
 *
 * <pre>{@code
 * Admission.accept(user);                       // connection.attachment() returns user
 * Admission.refuse(401);                        // 401 Unauthorized, body "Unauthorized"
 * Admission.refuse(403, "banned");              // 403, body "banned"
 * }</pre>
 */
public final class Admission {
  private static final Admission ACCEPT = new Admission(true, null, 101, null);

  private final boolean accepted;
  private final Object attachment;
  private final int status;
  private final String body;

  private Admission(boolean accepted, Object attachment, int status, String body) {
    this.accepted = accepted;
    this.attachment = attachment;
    this.status = status;
    this.body = body;
  }

  /** {@return an acceptance with no attachment} */
  public static Admission accept() {
    return ACCEPT;
  }

  /**
   * {@return an acceptance whose connection carries {@code attachment}} See
   * {@link WebSocketConnection#attachment()}.
   *
   * @param attachment what the connection carries (the authenticated user, say); {@code null} for none
   */
  public static Admission accept(Object attachment) {
    return attachment == null ? ACCEPT : new Admission(true, attachment, 101, null);
  }

  /**
   * {@return a refusal with this status and the status's reason phrase as the body}
   *
   * @param status the HTTP status, 400 to 599
   * @throws IllegalArgumentException if the status is not 4xx or 5xx
   */
  public static Admission refuse(int status) {
    return refuse(status, null);
  }

  /**
   * {@return a refusal with this status and this plain-text body}
   *
   * @param status the HTTP status, 400 to 599
   * @param body the response body, sent as UTF-8 plain text; {@code null} for the status's reason phrase
   * @throws IllegalArgumentException if the status is not 4xx or 5xx
   */
  public static Admission refuse(int status, String body) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a refusal's status must be 4xx or 5xx: " + status);
    }
    return new Admission(false, null, status, body);
  }

  /** {@return whether the upgrade proceeds} */
  public boolean accepted() {
    return accepted;
  }

  /** {@return what the accepted connection carries, or {@code null} (always for a refusal)} */
  public Object attachment() {
    return attachment;
  }

  /** {@return the HTTP status of a refusal (101 for an acceptance)} */
  public int status() {
    return status;
  }

  /** {@return the body of a refusal, or {@code null} for the status's reason phrase (always for an acceptance)} */
  public String body() {
    return body;
  }

  @Override
  public String toString() {
    return accepted ? "Admission{accepted, attachment=" + attachment + "}" : "Admission{refused " + status + "}";
  }
}
