package io.switchboard.server;

import io.switchboard.engine.EngineRequest;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client told the server when it joined a namespace: the HTTP request of its connection and its {@code auth}
 * payload.
 *
 * <pre>{@code
 * io.use((socket, next) -> {
 *   Object token = socket.handshake().auth().get("token");
 *   if (token == null) next.fail(new ConnectError("unauthorized"));
 *   else next.proceed();
 * });
 * }</pre>
 *
 * @param headers request headers, names in lower case
 * @param time    when the connection was opened
 * @param address the client's IP address
 * @param xdomain whether the request was cross-origin (it had an {@code Origin} header)
 * @param secure  whether the connection is TLS
 * @param url     the request target of the connection's first request
 * @param query   query parameters of that request
 * @param auth    the payload of the CONNECT packet (an empty map if there was none); keys keep their order
 */
public record Handshake(
    Map<String, String> headers,
    Instant time,
    String address,
    boolean xdomain,
    boolean secure,
    String url,
    Map<String, String> query,
    Map<String, Object> auth) {

  /**
   * Copies the maps ({@code auth} keeps its order).
   *
   * @param headers request headers, names in lower case
   * @param time    when the connection was opened
   * @param address the client's IP address
   * @param xdomain whether the request was cross-origin
   * @param secure  whether the connection is TLS
   * @param url     the request target of the connection's first request
   * @param query   query parameters of that request
   * @param auth    the payload of the CONNECT packet, empty if none
   * @throws NullPointerException if a map is null, or {@code headers} or {@code query} holds null
   */
  public Handshake {
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
    auth = Collections.unmodifiableMap(new LinkedHashMap<>(auth));
  }

  /** {@return when the connection was opened, in milliseconds since the epoch (the reference's {@code issued})} */
  public long issued() {
    return time.toEpochMilli();
  }

  static Handshake of(EngineRequest request, Map<String, Object> auth) {
    InetSocketAddress remote = request.remoteAddress();
    String address = remote == null ? "" : remote.getAddress() != null
        ? remote.getAddress().getHostAddress() : remote.getHostString();
    return new Handshake(request.headers(), request.time(), address, request.header("origin") != null,
        request.secure(), request.uri(), request.query(), auth);
  }
}
