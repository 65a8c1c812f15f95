package io.switchboard.chat.socket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import io.switchboard.server.Ack;
import io.switchboard.server.Args;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a client request through its ack, {@code {"ok":true,…}} or {@code {"ok":false,"error":…}}, and reads the
 * usual shapes of request arguments.
 *
 * <pre>{@code
 * socket.on("room:leave", (args, ack) -> Replies.answer(ack, () -> leave(Replies.room(args))));
 * socket.on("chat:private", (args, ack) -> Replies.later(ack, sendPrivate(Replies.object(args))));
 * }</pre>
 *
 * <p>A {@link ChatException} is the user's mistake and its message is the answer; anything else is logged (one line,
 * no stack trace unless at DEBUG) and answered {@code "Internal error"}.
 */
public final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  /**
   * Runs {@code work} now, on the handler's thread (handlers of one client run one at a time, in order, and may
   * block), and answers with its result.
   */
  public static void answer(Ack ack, Supplier<ObjectNode> work) {
    ObjectNode result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      ack.send(error(e));
      return;
    }
    ack.send(result);
  }

  /** Answers once {@code work} completes, without holding the handler (for what waits on other clients). */
  public static void later(Ack ack, CompletionStage<ObjectNode> work) {
    work.whenComplete((ok, err) -> ack.send(err == null ? ok : error(err)));
  }

  /** The error answer for a failure. */
  public static ObjectNode error(Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof ChatException) {
      return ChatJson.error(cause.getMessage());
    }
    if (log.isDebugEnabled()) {
      log.debug("request failed", cause);
    } else {
      log.warn("request failed: {}", cause.toString());
    }
    return ChatJson.error("Internal error");
  }

  /** Waits for a stage on the handler's thread; its failure is thrown as it was (not wrapped). */
  public static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The first argument if it is an object, else an empty object. */
  public static JsonNode object(Args args) {
    return args.size() > 0 && args.node(0).isObject() ? args.node(0) : ChatJson.MAPPER.createObjectNode();
  }

  /** The text field of {@code body}, or null if it is not a string. */
  public static String text(JsonNode body, String field) {
    return body.path(field).isTextual() ? body.get(field).asText() : null;
  }

  /** The optional {@code clientId} of a request: null when absent, else whatever it is (checked when stored). */
  public static Object clientId(JsonNode body) {
    JsonNode id = body.path("clientId");
    return id.isMissingNode() || id.isNull() ? null : id.isTextual() ? id.asText() : id;
  }

  /** A room given as the first argument, or as {@code {room}}; null if neither. */
  public static String room(Args args) {
    String room = args.string(0);
    if (room == null && args.size() > 0 && args.node(0).isObject()) {
      room = args.node(0).path("room").asText(null);
    }
    return room;
  }
}
