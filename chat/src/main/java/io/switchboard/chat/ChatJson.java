package io.switchboard.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The chat's JSON shapes: one shared Jackson mapper, and the {@code {"ok":true,…}} / {@code {"ok":false,"error":…}}
 * replies of every request.
 *
 * <pre>{@code
 * ObjectNode reply = ChatJson.ok().putPOJO("message", message);
 * ObjectNode refusal = ChatJson.error("Message is empty");
 * }</pre>
 */
public final class ChatJson {
  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private ChatJson() {}

  /** {@code {"ok":true}}, to add fields to. */
  public static ObjectNode ok() {
    return MAPPER.createObjectNode().put("ok", true);
  }

  /** {@code {"ok":false,"error":message}}. */
  public static ObjectNode error(String message) {
    return MAPPER.createObjectNode().put("ok", false).put("error", message);
  }
}
