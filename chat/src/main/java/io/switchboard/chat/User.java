package io.switchboard.chat;

/**
 * A registered user: the name they sign in with and the bcrypt hash of their password.
 *
 * <pre>{@code
 * User alice = users.create(conn, "alice", hasher.hash("secret"), System.currentTimeMillis());
 * }</pre>
 */
public record User(long id, String username, String passwordHash, long createdAt) {}
