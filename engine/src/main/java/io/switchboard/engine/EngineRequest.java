package io.switchboard.engine;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request that opened (or is about to open or upgrade) an Engine.IO session, as plain values.
 *
 * <pre>{@code
 * EngineOptions.builder()
 *     .allowRequest(req -> "https://app.example".equals(req.header("origin")))
 *     .build();
 * }</pre>
 *
 * @param method        the HTTP method, upper case
 * @param uri           the request target as sent, path and query
 * @param headers       header names in lower case; repeated headers joined with {@code ", "}
 * @param query         query parameters, first value of each
 * @param remoteAddress the peer's address
 * @param secure        whether the connection is TLS
 * @param time          when the request arrived
 */
public record EngineRequest(
    String method,
    String uri,
    Map<String, String> headers,
    Map<String, String> query,
    InetSocketAddress remoteAddress,
    boolean secure,
    Instant time) {

  public EngineRequest {
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
  }

  /** {@return the header's value, or {@code null}; the name is case-insensitive} */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** {@return the first value of a query parameter, or {@code null}} */
  public String queryParam(String name) {
    return query.get(name);
  }

  /** {@return whether this request asks for a WebSocket upgrade} */
  public boolean isWebSocketUpgrade() {
    String upgrade = header("upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  static String joinValues(List<String> values) {
    return values.size() == 1 ? values.get(0) : String.join(", ", values);
  }
}
