package io.switchboard.engine.ws;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP request that asked for a WebSocket upgrade, as plain values: what an authenticator decides on, and what
 * the connection keeps ({@link WebSocketConnection#request()}).
 *
 * <pre>{@code
 * String token = request.queryParam("token");
 * String session = request.cookie("session");
 * String agent = request.header("User-Agent");
 * InetSocketAddress client = request.remoteAddress();   // behind a trusted proxy: the X-Forwarded-For client
 * }</pre>
 *
 * @param method        the HTTP method, upper case
 * @param uri           the request target as sent, path and query
 * @param path          the decoded path
 * @param headers       header names in lower case; repeated headers joined with {@code ", "}
 * @param query         query parameters, every value of each
 * @param cookies       the cookies of the {@code Cookie} header, by name (the first of a repeated name)
 * @param remoteAddress the client's address: the TCP peer, or the client a trusted proxy names (port 0 then)
 * @param secure        whether the connection is TLS
 * @param time          when the request arrived
 */
public record WebSocketRequest(
    String method,
    String uri,
    String path,
    Map<String, String> headers,
    Map<String, List<String>> query,
    Map<String, String> cookies,
    InetSocketAddress remoteAddress,
    boolean secure,
    Instant time) {

  /**
   * Copies the maps, so the record stays immutable; the endpoint builds it from the upgrade request, and tests of an
   * authenticator may build their own.
   *
   * @param method the HTTP method, upper case
   * @param uri the request target as sent, path and query
   * @param path the decoded path
   * @param headers header names in lower case; repeated headers joined with {@code ", "}; copied
   * @param query query parameters, every value of each; copied
   * @param cookies the cookies of the {@code Cookie} header, by name; copied
   * @param remoteAddress the client's address
   * @param secure whether the connection is TLS
   * @param time when the request arrived
   * @throws NullPointerException if a map is null or holds a null key or value
   */
  public WebSocketRequest {
    headers = Map.copyOf(headers);
    Map<String, List<String>> q = new java.util.HashMap<>();
    query.forEach((k, v) -> q.put(k, List.copyOf(v)));
    query = Map.copyOf(q);
    cookies = Map.copyOf(cookies);
  }

  /**
   * {@return the header's value (repeated headers joined with {@code ", "}), or {@code null} when absent}
   *
   * @param name the header name, in any case; not null
   */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * {@return the first value of a query parameter, or {@code null} when absent} {@link #query()} has every value.
   *
   * @param name the parameter name, case-sensitive; not null
   */
  public String queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * {@return the value of a cookie, or {@code null} when the request has none of that name}
   *
   * @param name the cookie name, case-sensitive; not null
   */
  public String cookie(String name) {
    return cookies.get(name);
  }
}
