package io.switchboard.chat;

/**
 * A stored private message with its delivery status: {@code sent}, then {@code delivered} once a device of the
 * recipient acknowledged it, then {@code read}.
 *
 * <pre>{@code
 * PrivateMessage pm = privates.append(conn, "alice", "bob", "hi", now);
 * privates.markDelivered(conn, pm.id(), now);
 * }</pre>
 */
public record PrivateMessage(long id, String from, String to, String text, long ts, String status) {
  public static final String SENT = "sent";
  public static final String DELIVERED = "delivered";
  public static final String READ = "read";
}
