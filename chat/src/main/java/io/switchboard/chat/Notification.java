package io.switchboard.chat;

/**
 * A stored notification for one user, as pushed over Socket.IO ({@code notification}) and Server-Sent Events (JSON
 * fields {@code id, type, title, body, link, createdAt}).
 *
 * <pre>{@code
 * Notification n = notifications.add(conn, "bob", Notification.MENTION, "alice mentioned you in #general",
 *     "hi @bob", "/#room/general", now);
 * }</pre>
 */
public record Notification(long id, String type, String title, String body, String link, long createdAt) {
  public static final String MENTION = "mention";
  public static final String PRIVATE = "private";
}
