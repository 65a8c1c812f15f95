package io.switchboard.chat.socket;

import io.switchboard.chat.ChatService;
import io.switchboard.chat.ChatTiming;
import io.switchboard.chat.TokenService;
import io.switchboard.chat.auth.SocketAuth;
import io.switchboard.chat.auth.TokenExpiry;
import io.switchboard.chat.direct.PrivateEvents;
import io.switchboard.chat.flood.FloodGate;
import io.switchboard.chat.notify.NotificationBridge;
import io.switchboard.chat.presence.Presence;
import io.switchboard.chat.rooms.RoomEvents;
import io.switchboard.chat.typing.Typing;
import io.switchboard.chat.typing.TypingEvents;
import io.switchboard.server.Namespace;
import io.switchboard.server.Socket;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The chat's Socket.IO side on one namespace: who may connect, and what each connection can do. Each feature lives
 * in its own package and file:
 *
 * <table>
 *   <caption>events by feature</caption>
 *   <tr><td>token check, {@code auth:refresh}, {@code auth:expiring}</td><td>{@link SocketAuth}, {@link TokenExpiry}</td></tr>
 *   <tr><td>{@code room:join}, {@code room:leave}, {@code room:message}, {@code history:fetch}</td><td>{@link RoomEvents}</td></tr>
 *   <tr><td>{@code chat:private}, {@code chat:read}, {@code chat:receipt}</td><td>{@link PrivateEvents}</td></tr>
 *   <tr><td>{@code typing}, {@code user:typing}</td><td>{@link TypingEvents}</td></tr>
 *   <tr><td>{@code user:online}, {@code user:joined}, {@code user:left}, "X joined #room"</td><td>{@link Presence}</td></tr>
 *   <tr><td>{@code notification}</td><td>{@link NotificationBridge}</td></tr>
 * </table>
 *
 * <pre>{@code
 * new ChatSockets(chat, io.sockets(), timer, clock, timing, flood, typing, presence).install();
 * }</pre>
 *
 * <p>Every socket joins the room {@code user:<name>} of its user, so that private messages, receipts and
 * notifications reach all of that user's tabs.
 */
public final class ChatSockets {
  private final ChatService chat;
  private final Namespace nsp;
  private final Presence presence;
  private final Typing typing;
  private final TokenExpiry expiry;
  private final RoomEvents rooms;
  private final PrivateEvents direct;
  private final TypingEvents typingEvents;

  public ChatSockets(ChatService chat, Namespace nsp, ScheduledExecutorService timer, Clock clock, ChatTiming timing,
      FloodGate flood, Typing typing, Presence presence) {
    this.chat = chat;
    this.nsp = nsp;
    this.presence = presence;
    this.typing = typing;
    this.expiry = new TokenExpiry(chat.tokens(), timer, clock, timing);
    this.rooms = new RoomEvents(chat, nsp, presence, flood, typing);
    this.direct = new PrivateEvents(chat, nsp, flood, timing);
    this.typingEvents = new TypingEvents(typing);
  }

  /** The room holding every socket of {@code username}. */
  public static String userRoom(String username) {
    return "user:" + username;
  }

  /** Adds the middleware and the connection handler, joins the cluster's presence, bridges notifications. */
  public void install() {
    new SocketAuth(chat.tokens()).install(nsp);
    presence.start();
    new NotificationBridge(chat.bus(), nsp).install();
    nsp.onConnection(this::onConnection);
  }

  private void onConnection(Socket socket) {
    Optional<TokenService.Claims> claims = SocketAuth.claims(chat.tokens(), socket);
    if (claims.isEmpty()) { // expired between the middleware and now (or a recovered session's token did)
      socket.disconnect(true);
      return;
    }
    String me = claims.get().username();
    Connection c = new Connection(socket, me, claims.get().expiresAt());
    socket.join(userRoom(me));
    presence.connected(socket, me);
    expiry.attach(c);
    rooms.attach(c);
    direct.attach(c);
    typingEvents.attach(c);
    AtomicReference<Set<String>> roomsAtExit = new AtomicReference<>(Set.of());
    socket.onDisconnecting((reason, description) -> {
      roomsAtExit.set(Set.copyOf(socket.rooms()));
      expiry.cancel(c);
    });
    socket.onDisconnect((reason, description) -> {
      expiry.cancel(c);
      presence.disconnected(me, roomsAtExit.get());
      if (!presence.hasConnectionHere(me)) {
        typing.stopAll(me);
      }
    });
    direct.deliverPending(socket, me);
  }
}
