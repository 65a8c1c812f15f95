package io.switchboard.chat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
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
 *
 * <p>The mapper reads untrusted request bodies, so it reads within tight bounds: the chat's JSON is flat (an object of
 * a few strings), so nesting deeper than {@link #MAX_DEPTH}, and strings, numbers and names longer than any the chat
 * takes, fail to parse (the HTTP body limit bounds the document itself).
 */
public final class ChatJson {
  /** The deepest nesting of objects and arrays the mapper reads. */
  public static final int MAX_DEPTH = 16;
  /** The longest string the mapper reads, in characters. */
  public static final int MAX_STRING = 64 * 1024;

  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(MAX_STRING)
          .maxNumberLength(64)
          .maxNameLength(256)
          .build())
      .build());

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
