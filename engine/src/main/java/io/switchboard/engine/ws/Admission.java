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

  /** Accepts the request with no attachment. */
  public static Admission accept() {
    return ACCEPT;
  }

  /** Accepts the request; the connection carries {@code attachment} (the authenticated user, say). */
  public static Admission accept(Object attachment) {
    return attachment == null ? ACCEPT : new Admission(true, attachment, 101, null);
  }

  /** Refuses the request with this status (400 to 599) and the status's reason phrase as the body. */
  public static Admission refuse(int status) {
    return refuse(status, null);
  }

  /** Refuses the request with this status (400 to 599) and this plain-text body ({@code null}: the reason phrase). */
  public static Admission refuse(int status, String body) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a refusal's status must be 4xx or 5xx: " + status);
    }
    return new Admission(false, null, status, body);
  }

  /** Whether the upgrade proceeds. */
  public boolean accepted() {
    return accepted;
  }

  /** What the accepted connection carries, or {@code null}. */
  public Object attachment() {
    return attachment;
  }

  /** The HTTP status of a refusal (101 for an acceptance). */
  public int status() {
    return status;
  }

  /** The body of a refusal, or {@code null} for the status's reason phrase. */
  public String body() {
    return body;
  }

  @Override
  public String toString() {
    return accepted ? "Admission{accepted, attachment=" + attachment + "}" : "Admission{refused " + status + "}";
  }
}
