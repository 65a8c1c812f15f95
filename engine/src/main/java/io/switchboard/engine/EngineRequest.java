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
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
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
    headers = CompactMap.copyOf(headers); // one flat array: the session keeps the request for its whole life
    query = CompactMap.copyOf(query);
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
    // one pass over the headers, names and common values shared between connections
    HttpHeaders h = req.headers();
    String[] kv = new String[2 * h.size()];
    int n = 0;
    for (Iterator<Map.Entry<String, String>> it = h.iteratorAsString(); it.hasNext(); ) {
      Map.Entry<String, String> e = it.next();
      String name = SharedStrings.headerName(e.getKey());
      int i = indexOf(kv, n, name);
      if (i < 0) {
        kv[2 * n] = name;
        kv[2 * n + 1] = SharedStrings.headerValue(name, e.getValue());
        n++;
      } else {
        kv[i + 1] = kv[i + 1] + ", " + e.getValue();
      }
    }
    Map<String, List<String>> params = qs.parameters();
    String[] q = new String[2 * params.size()];
    int m = 0;
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      if (!e.getValue().isEmpty()) {
        q[2 * m] = SharedStrings.share(e.getKey());
        q[2 * m + 1] = SharedStrings.queryValue(q[2 * m], e.getValue().get(0));
        m++;
      }
    }
    InetSocketAddress peer = channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
    InetAddress client = HttpServer.clientAddress(channel);
    InetSocketAddress remote = peer == null || client == null || client.equals(peer.getAddress())
        ? peer : new InetSocketAddress(client, 0);
    boolean secure = channel.pipeline().get(SslHandler.class) != null;
    // a target with nothing but the protocol's own parameters is the same for every client of a transport
    boolean common = m <= 2 && params.size() == m && (m < 1 || isProtocolParam(q[0]))
        && (m < 2 || isProtocolParam(q[2]));
    return new EngineRequest(req.method().name(), common ? SharedStrings.share(req.uri()) : req.uri(),
        CompactMap.of(kv, n),
        CompactMap.of(q, m),
        remote, secure, Instant.now());
  }

  private static boolean isProtocolParam(String sharedName) {
    return sharedName == SharedStrings.EIO || sharedName == SharedStrings.TRANSPORT;
  }

  private static int indexOf(String[] kv, int n, String name) {
    for (int i = 0; i < 2 * n; i += 2) {
      if (kv[i].equals(name)) {
        return i;
      }
    }
    return -1;
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
