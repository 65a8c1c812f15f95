package io.switchboard.engine;

import java.util.Locale;

/**
 * An Engine.IO transport: HTTP long-polling or WebSocket, named as in the {@code transport} query parameter.
 *
 * <pre>{@code
 * EngineOptions.builder().transports(EnumSet.of(Transport.WEBSOCKET)).build(); // WebSocket only
 * }</pre>
 */
public enum Transport {
  /** HTTP long-polling ({@code polling}): a GET waits for messages, a POST carries the client's. */
  POLLING,
  /** WebSocket ({@code websocket}), from the start or upgraded to from polling. */
  WEBSOCKET;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** {@return the name used in the query string and in the handshake's {@code upgrades} list} */
  public String wireName() {
    return wireName;
  }

  /**
   * {@return the transport named {@code name} on the wire, or {@code null} if there is none}
   *
   * @param name the wire name, lower case ({@code polling} or {@code websocket}); {@code null} gives {@code null}
   */
  public static Transport fromWireName(String name) {
    for (Transport t : values()) {
      if (t.wireName.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
