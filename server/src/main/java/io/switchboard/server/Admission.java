package io.switchboard.server;

/**
 * What an {@link HttpAuthenticator} decides about a plain WebSocket or Server-Sent Events request: let it in (as a
 * user, or anonymous), or refuse it with an HTTP status before anything else happens.
 *
 * <pre>{@code
 * HttpAuthenticator auth = req -> {
 *   String user = sessions.userOf(req.cookie("token"));
 *   return user != null ? Admission.user(user) : Admission.refuse(401, "Sign in first");
 * };
 * }</pre>
 *
 * @param status  0 when admitted, else the HTTP status of the refusal (401, 403, 429…)
 * @param user    the authenticated user (the per-user caps count by it), or {@code null}
 * @param message the refusal's text, or {@code null}
 */
public record Admission(int status, String user, String message) {
  private static final Admission ANONYMOUS = new Admission(0, null, null);

  /**
   * Checks the status.
   *
   * @param status  0 to admit, else a 4xx or 5xx status
   * @param user    the user, or {@code null}
   * @param message the refusal text, or {@code null}
   * @throws IllegalArgumentException if {@code status} is neither 0 nor a 4xx or 5xx status
   */
  public Admission {
    if (status != 0 && (status < 400 || status > 599)) {
      throw new IllegalArgumentException("a refusal is a 4xx or 5xx status: " + status);
    }
  }

  /**
   * {@return an admission as {@code user}}
   *
   * @param user the user's name or id, which the per-user caps count by
   * @throws NullPointerException if {@code user} is null
   */
  public static Admission user(String user) {
    return new Admission(0, java.util.Objects.requireNonNull(user, "user"), null);
  }

  /** {@return an admission without a user (only the per-address cap applies)} */
  public static Admission anonymous() {
    return ANONYMOUS;
  }

  /**
   * {@return a refusal with this HTTP status (the WebSocket upgrade or the event stream does not happen)}
   *
   * @param status  a 4xx or 5xx HTTP status
   * @param message the response body's text, or {@code null}
   * @throws IllegalArgumentException if {@code status} is not a 4xx or 5xx status
   */
  public static Admission refuse(int status, String message) {
    return new Admission(status, null, message);
  }

  /** {@return whether the request may go on (the status is 0)} */
  public boolean admitted() {
    return status == 0;
  }
}
