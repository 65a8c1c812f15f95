package io.switchboard.chat.notify;

import io.switchboard.chat.NotificationBus;
import io.switchboard.chat.socket.ChatSockets;
import io.switchboard.server.Namespace;

/**
 * Carries stored notifications to their user: {@code notification {id,type,title,body,link,createdAt}} to the user's
 * room on every node, where their Socket.IO sockets and their Server-Sent Events streams ({@link NotificationStreams})
 * both are.
 *
 * <pre>{@code
 * new NotificationBridge(chat.bus(), nsp).install();
 * }</pre>
 */
public final class NotificationBridge {
  private final NotificationBus bus;
  private final Namespace nsp;

  public NotificationBridge(NotificationBus bus, Namespace nsp) {
    this.bus = bus;
    this.nsp = nsp;
  }

  public void install() {
    bus.subscribeAll((user, n) -> {
      nsp.to(ChatSockets.userRoom(user)).emit("notification", n);
    });
  }
}
