package io.switchboard.chat.notify;

import io.switchboard.chat.Notification;
import io.switchboard.chat.NotificationBus;
import io.switchboard.chat.socket.ChatSockets;
import io.switchboard.server.Namespace;

/**
 * Carries stored notifications to their user: {@code notification {id,type,title,body,link,createdAt}} to all their
 * sockets (on every node), and to the Server-Sent Event streams held by the other nodes (a server-side event
 * {@code chat:notification}, which each node publishes on its own {@link NotificationBus}).
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
      nsp.serverSideEmit("chat:notification", user, n);
    });
    nsp.onServerSideEmit("chat:notification", (args, ack) ->
        bus.publishToUser(args.string(0), args.get(1, Notification.class)));
  }
}
