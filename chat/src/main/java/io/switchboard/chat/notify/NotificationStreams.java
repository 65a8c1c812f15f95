package io.switchboard.chat.notify;

import io.switchboard.chat.ChatConfig;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.OriginPolicy;
import io.switchboard.chat.socket.ChatSockets;
import io.switchboard.engine.EngineRequest;
import io.switchboard.server.Admission;
import io.switchboard.server.EventStreamOptions;
import io.switchboard.server.Server;
import java.util.Set;

/**
 * {@code GET /api/events}: a user's notifications as Server-Sent Events, on the library's event streams
 * ({@link Server#sse}): each stream joins its user's room, where {@link NotificationBridge} sends every notification
 * (from any node of the cluster), so it gets {@code event: notification}, {@code id: <recovery offset>},
 * {@code data: {id,type,title,body,link,createdAt}}.
 *
 * <pre>{@code
 * new NotificationStreams(chat, origins, config).install(io);
 * // browser: new EventSource("/api/events?token=" + token).addEventListener("notification", …)
 * }</pre>
 *
 * <p>A token is needed (an {@code Authorization: Bearer} header, a {@code token} query parameter or cookie; none or
 * a bad one: 401), from the page's own origin or an allowed one (else 403). Streams are capped per user and per client
 * address ({@link ChatConfig#sseStreamsPerUser()}, {@link ChatConfig#sseStreamsPerIp()}: 429 past them). A
 * {@code Last-Event-ID} resumes from connection state recovery's store (what is still stored is replayed, in order);
 * one that is unknown or too old starts a fresh stream ({@code event: reset}); older notifications are in
 * {@code GET /api/notifications}.
 */
public final class NotificationStreams {
  /** Where the streams are served. */
  public static final String PATH = "/api/events";

  private final ChatService chat;
  private final OriginPolicy origins;
  private final ChatConfig config;

  public NotificationStreams(ChatService chat, OriginPolicy origins, ChatConfig config) {
    this.chat = chat;
    this.origins = origins;
    this.config = config;
  }

  /** Serves the streams on {@code io}'s port. */
  public void install(Server io) {
    EventStreamOptions options = EventStreamOptions.builder()
        .authenticator(this::admit)
        .heartbeat(config.sseHeartbeat())
        .maxStreamsPerUser(config.sseStreamsPerUser())
        .maxStreamsPerAddress(config.sseStreamsPerIp())
        .maxQueuedBytes(config.sseMaxBuffer())
        .allowedOrigins(Set.copyOf(config.allowedOrigins()))
        .build();
    io.sse(PATH, options, stream -> stream.join(ChatSockets.userRoom(stream.user())));
  }

  private Admission admit(EngineRequest req) {
    if (!origins.allows(req.header("origin"), req.header("host"))) {
      return Admission.refuse(403, "Origin not allowed");
    }
    String token = token(req);
    return chat.tokens().verify(token).map(c -> Admission.user(c.username()))
        .orElseGet(() -> Admission.refuse(401, "Authentication failed"));
  }

  /** The token: an Authorization bearer, the {@code token} query parameter, or the {@code token} cookie. */
  private static String token(EngineRequest req) {
    String auth = req.header("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    String q = req.queryParam("token");
    return q != null ? q : req.cookie("token");
  }
}
