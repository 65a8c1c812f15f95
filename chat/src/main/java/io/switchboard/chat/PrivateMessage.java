package io.switchboard.chat;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A stored private message with its delivery status: {@code sent}, then {@code delivered} once a device of the
 * recipient acknowledged it, then {@code read}; and the sender's own id for it, if it gave one.
 *
 * <pre>{@code
 * PrivateMessage pm = privates.append(conn, "alice", "bob", "hi", now, null);
 * privates.markDelivered(conn, pm.id(), now);
 * }</pre>
 */
public record PrivateMessage(long id, String from, String to, String text, long ts, String status,
    @JsonInclude(JsonInclude.Include.NON_NULL) String clientId) {
  public static final String SENT = "sent";
  public static final String DELIVERED = "delivered";
  public static final String READ = "read";

  /** A message without a client id. */
  public PrivateMessage(long id, String from, String to, String text, long ts, String status) {
    this(id, from, to, text, ts, status, null);
  }

  /** The same message with another status. */
  public PrivateMessage withStatus(String newStatus) {
    return new PrivateMessage(id, from, to, text, ts, newStatus, clientId);
  }
}
