package io.switchboard.chat;

/**
 * A chat room, created by its first join or message.
 *
 * <pre>{@code
 * List<Room> rooms = new RoomStore().list(conn); // general, random, ...
 * }</pre>
 */
public record Room(String name, long messageCount, long lastMessageId) {}
