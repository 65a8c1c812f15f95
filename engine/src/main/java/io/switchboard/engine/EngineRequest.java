package io.switchboard.engine;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

  /**
   * Copies the maps, so the record stays immutable; {@link #of(Channel, HttpRequest)} builds it from a Netty request,
   * and tests of a {@link RequestVerifier} may build their own.
   *
   * @param method the HTTP method, upper case
   * @param uri the request target as sent, path and query
   * @param headers header names in lower case; repeated headers joined with {@code ", "}; copied
   * @param query query parameters, first value of each; copied
   * @param remoteAddress the client's address
   * @param secure whether the connection is TLS
   * @param time when the request arrived
   * @throws NullPointerException if a map is null or holds a null key or value
   */
  public EngineRequest {
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
  }

  /**
   * {@return the header's value (repeated headers joined with {@code ", "}), or {@code null} when absent}
   *
   * @param name the header name, in any case; not null
   */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * {@return the first value of a query parameter, or {@code null} when absent}
   *
   * @param name the parameter name, case-sensitive; not null
   */
  public String queryParam(String name) {
    return query.get(name);
  }

  /** {@return whether this request asks for a WebSocket upgrade} */
  public boolean isWebSocketUpgrade() {
    String upgrade = header("upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /**
   * {@return the request as plain values, its query taken from a decoder the caller already has} The client address
   * is the one a trusted proxy names ({@code X-Forwarded-For}, with port 0) when the {@link HttpServer} knows it, else
   * the TCP peer; {@link #time()} is now.
   *
   * @param channel the connection the request came on
   * @param req the request; only its method, target and headers are read
   * @param qs the decoded target of {@code req}
   */
  public static EngineRequest of(Channel channel, HttpRequest req, QueryStringDecoder qs) {
    Map<String, String> headers = new HashMap<>();
    for (String name : req.headers().names()) {
      List<String> values = req.headers().getAll(name);
      headers.put(name.toLowerCase(Locale.ROOT), joinValues(values));
    }
    Map<String, String> query = new HashMap<>();
    for (Map.Entry<String, List<String>> e : qs.parameters().entrySet()) {
      if (!e.getValue().isEmpty()) {
        query.put(e.getKey(), e.getValue().get(0));
      }
    }
    InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
    InetAddress client = HttpServer.clientAddress(channel);
    InetSocketAddress remote = peer == null || client == null || client.equals(peer.getAddress())
        ? peer : new InetSocketAddress(client, 0);
    boolean secure = channel.pipeline().get(SslHandler.class) != null;
    return new EngineRequest(req.method().name(), req.uri(), headers, query, remote, secure, Instant.now());
  }

  /**
   * {@return the request as plain values} As {@link #of(Channel, HttpRequest, QueryStringDecoder)}, decoding the
   * query from the request's target.
   *
   * @param channel the connection the request came on
   * @param req the request; only its method, target and headers are read
   */
  public static EngineRequest of(Channel channel, HttpRequest req) {
    return of(channel, req, new QueryStringDecoder(req.uri()));
  }

  /**
   * {@return the value of a cookie, or {@code null} when the request has none of that name} The {@code Cookie} header
   * is parsed on each call; with a repeated name, the first wins.
   *
   * @param name the cookie name, case-sensitive
   */
  public String cookie(String name) {
    String header = header("cookie");
    if (header == null) {
      return null;
    }
    for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
      if (c.name().equals(name)) {
        return c.value();
      }
    }
    return null;
  }

  static String joinValues(List<String> values) {
    return values.size() == 1 ? values.get(0) : String.join(", ", values);
  }
}
