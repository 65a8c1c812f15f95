package io.switchboard.chat.direct;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import io.switchboard.chat.ChatService;
import io.switchboard.chat.ChatTiming;
import io.switchboard.chat.InputRules;
import io.switchboard.chat.PrivateMessage;
import io.switchboard.chat.Stored;
import io.switchboard.chat.flood.FloodGate;
import io.switchboard.chat.socket.ChatSockets;
import io.switchboard.chat.socket.Connection;
import io.switchboard.chat.socket.Replies;
import io.switchboard.server.Namespace;
import io.switchboard.server.RemoteSocket;
import io.switchboard.server.Socket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private messages: {@code chat:private ({to, text, clientId?})} is stored (durably; a retry with the same
 * {@code clientId} is answered from the first and not stored or sent again), then sent with an acknowledgement to every
 * tab of the recipient on any node; the sender's ack says {@code delivered: true} as soon as one tab answered within
 * the timeout, else {@code delivered: false} with a notification for the recipient, who gets the message on their
 * next connection (and the sender a {@code chat:receipt {id, status: "delivered"}}). {@code chat:read ({id})} sends
 * the sender {@code chat:receipt {id, status: "read"}}.
 *
 * <pre>{@code
 * PrivateEvents direct = new PrivateEvents(chat, nsp, flood, ChatTiming.DEFAULT);
 * direct.attach(connection);
 * direct.deliverPending(socket, "bob"); // what waited for bob
 * }</pre>
 */
public final class PrivateEvents {
  private static final Logger log = LoggerFactory.getLogger(PrivateEvents.class);

  private final ChatService chat;
  private final Namespace nsp;
  private final FloodGate flood;
  private final ChatTiming timing;

  public PrivateEvents(ChatService chat, Namespace nsp, FloodGate flood, ChatTiming timing) {
    this.chat = chat;
    this.nsp = nsp;
    this.flood = flood;
    this.timing = timing;
  }

  public void attach(Connection c) {
    c.socket().on("chat:private", (args, ack) -> {
      CompletableFuture<ObjectNode> answer;
      try {
        answer = send(c, Replies.object(args));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      Replies.later(ack, answer);
    });
    c.socket().on("chat:read", (args, ack) -> Replies.answer(ack, () -> read(c.username(), Replies.object(args))));
  }

  /**
   * Stores the message and sends it to the recipient's tabs before the handler returns (so a client's private
   * messages go out in order); the answer waits for a tab's acknowledgement without holding the handler.
   */
  private CompletableFuture<ObjectNode> send(Connection c, JsonNode body) {
    String to = Replies.text(body, "to");
    String text = Replies.text(body, "text");
    InputRules.checkText(text).ifPresent(error -> {
      throw new ChatException(error);
    });
    if (to == null) {
      throw new ChatException("Unknown recipient");
    }
    Object clientId = Replies.clientId(body);
    InputRules.checkClientId(clientId).ifPresent(error -> {
      throw new ChatException(error);
    });
    if (!flood.tryAcquire(c.username())) {
      throw new ChatException("Too many messages: at most " + flood.limit() + " a second");
    }
    Stored<PrivateMessage> stored = Replies.await(chat.postPrivate(c.username(), to, text, clientId));
    PrivateMessage pm = stored.message();
    if (stored.duplicate()) { // a retry: answered from what was stored, delivered as it was (or on reconnection)
      return CompletableFuture.completedFuture(ack(pm, !pm.status().equals(PrivateMessage.SENT)));
    }
    CompletableFuture<Boolean> delivered = deliver(pm);
    return delivered.thenCompose(ok -> answer(pm, ok));
  }

  private CompletableFuture<ObjectNode> answer(PrivateMessage pm, boolean delivered) {
    ObjectNode ok = ack(pm, delivered);
    return delivered ? CompletableFuture.completedFuture(ok) : chat.notifyOffline(pm).thenApply(n -> ok);
  }

  private static ObjectNode ack(PrivateMessage pm, boolean delivered) {
    ObjectNode ok = ChatJson.ok().put("id", pm.id()).put("delivered", delivered).put("ts", pm.ts());
    if (!delivered) {
      ok.put("reason", "User not online");
    }
    ok.set("message", ChatJson.MAPPER.valueToTree(payload(pm)));
    return ok;
  }

  /**
   * Emits the message to every socket of its recipient with an acknowledgement (before returning); completes true
   * (and marks it delivered) as soon as one device answers within the timeout, false if none does.
   */
  private CompletableFuture<Boolean> deliver(PrivateMessage pm) {
    Map<String, Object> payload = payload(pm);
    List<RemoteSocket> sockets = Replies.await(nsp.in(ChatSockets.userRoom(pm.to())).fetchSockets());
    if (sockets.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> any = new CompletableFuture<>();
    int[] pending = {sockets.size()};
    for (RemoteSocket s : sockets) {
      s.emitWithAck(timing.privateAckTimeout(), "chat:private", payload).whenComplete((acks, err) -> {
        synchronized (pending) {
          pending[0]--;
          if (err == null) {
            any.complete(true);
          } else if (pending[0] == 0) {
            any.complete(false);
          }
        }
      });
    }
    return any.thenCompose(ok -> ok ? chat.markDelivered(pm.id()).thenApply(x -> true)
        : CompletableFuture.completedFuture(false));
  }

  private static Map<String, Object> payload(PrivateMessage pm) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", pm.id());
    m.put("from", pm.from());
    m.put("to", pm.to());
    m.put("text", pm.text());
    m.put("ts", pm.ts());
    if (pm.clientId() != null) {
      m.put("clientId", pm.clientId());
    }
    return m;
  }

  /** Sends the private messages that waited for {@code me} to this new socket; receipts go to their senders. */
  public void deliverPending(Socket socket, String me) {
    chat.undelivered(me).thenAccept(list -> {
      for (PrivateMessage pm : list) {
        socket.timeout(timing.privateAckTimeout()).emitWithAck("chat:private", payload(pm))
            .thenCompose(acks -> chat.markDelivered(pm.id()))
            .thenAccept(changed -> {
              if (changed) {
                nsp.to(ChatSockets.userRoom(pm.from())).emit("chat:receipt",
                    Map.of("id", pm.id(), "status", PrivateMessage.DELIVERED));
              }
            });
      }
    }).exceptionally(e -> {
      log.warn("cannot deliver the pending messages of {}: {}", me, e.toString());
      return null;
    });
  }

  private ObjectNode read(String me, JsonNode body) {
    JsonNode id = body.path("id");
    if (!id.canConvertToLong()) {
      throw new ChatException("Unknown message");
    }
    var changed = Replies.await(chat.markRead(id.asLong(), me));
    changed.ifPresent(pm -> nsp.to(ChatSockets.userRoom(pm.from())).emit("chat:receipt",
        Map.of("id", pm.id(), "status", PrivateMessage.READ)));
    return ChatJson.ok().put("id", id.asLong()).put("changed", changed.isPresent());
  }
}
