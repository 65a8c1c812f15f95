package io.switchboard.server;

import io.switchboard.engine.EngineRequest;
import io.switchboard.engine.ws.WebSocketAuthenticator;
import io.switchboard.engine.ws.WebSocketConnection;
import io.switchboard.engine.ws.WebSocketEndpoint;
import io.switchboard.engine.ws.WebSocketHandler;
import io.switchboard.engine.ws.WebSocketRequest;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain WebSocket endpoint of a {@link Server}: the engine's RFC 6455 {@link WebSocketEndpoint} on its path, whose
 * connections become {@link PlainWebSocket}s in a namespace's rooms.
 *
 * <pre>{@code
 * io.webSocket("/ws", PlainWebSocketOptions.DEFAULT, ws -> ws.join("lobby"));   // makes one of these
 * }</pre>
 *
 * <p>The upgrade request is admitted by the {@link HttpAuthenticator} on the handler executor (a refusal is its HTTP
 * status, before any upgrade; one over the per-user or per-address cap gets 429, or, if others took the last places
 * during its handshake, is closed with 1008). The application's handler runs
 * on the handler executor before the client's first message is handled.
 */
final class PlainWebSocketEndpoint implements WebSocketHandler {
  private static final Logger log = LoggerFactory.getLogger(PlainWebSocketEndpoint.class);
  private static final String MEMBER = PlainWebSocket.class.getName();

  private final Server server;
  private final PlainWebSocketOptions options;
  private final Consumer<PlainWebSocket> handler;
  private final ClientCaps caps;
  private final WebSocketEndpoint endpoint;

  private record Admitted(String user) {}

  PlainWebSocketEndpoint(Server server, String path, PlainWebSocketOptions options, Consumer<PlainWebSocket> handler) {
    this.server = server;
    this.options = options;
    this.handler = handler;
    this.caps = new ClientCaps(options.maxConnectionsPerUser(), options.maxConnectionsPerAddress(), "connections");
    WebSocketAuthenticator auth = req -> CompletableFuture.supplyAsync(() -> admit(req), server.handlerExecutor());
    this.endpoint = new WebSocketEndpoint(options.webSocket().toBuilder().path(path).authenticator(auth).build(), this);
  }

  String path() {
    return endpoint.options().path();
  }

  /** The engine endpoint underneath (its handler, stats, connections). */
  WebSocketEndpoint engineEndpoint() {
    return endpoint;
  }

  private io.switchboard.engine.ws.Admission admit(WebSocketRequest req) {
    Admission a;
    try {
      a = options.authenticator().admit(toEngineRequest(req));
    } catch (Exception e) {
      log.warn("the authenticator of {} failed", path(), e);
      return io.switchboard.engine.ws.Admission.refuse(500);
    }
    if (!a.admitted()) {
      return io.switchboard.engine.ws.Admission.refuse(a.status(), a.message());
    }
    // checked here (429 before the upgrade), taken when the connection opens: an upgrade that never completes holds
    // no place
    if (caps.full(a.user(), address(req.remoteAddress()))) {
      return io.switchboard.engine.ws.Admission.refuse(429, caps.refusal(a.user()));
    }
    return io.switchboard.engine.ws.Admission.accept(new Admitted(a.user()));
  }

  static EngineRequest toEngineRequest(WebSocketRequest req) {
    Map<String, String> query = req.query().entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0)));
    return new EngineRequest(req.method(), req.uri(), req.headers(), query, req.remoteAddress(), req.secure(),
        req.time());
  }

  private static String address(InetSocketAddress a) {
    return a == null ? "" : a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
  }

  // ---- engine callbacks, on the connection's event loop ----

  @Override
  public void onOpen(WebSocketConnection c) {
    Admitted admitted = c.attachment();
    String user = admitted == null ? null : admitted.user();
    Handshake hs = Handshake.of(toEngineRequest(c.request()), user == null ? Map.of() : Map.of("user", user));
    ClientCaps.Slot slot = caps.tryOpen(user, address(c.remoteAddress()));
    if (slot == null) { // others took the last places since the check
      c.close(1008, caps.refusal(user));
      return;
    }
    Namespace nsp = server.of(options.namespace());
    PlainWebSocket ws = new PlainWebSocket(nsp, hs, user, c);
    ws.onClose(slot::close);
    c.attributes().put(MEMBER, ws);
    ws.serial.execute(() -> {
      ws.enter();
      try {
        handler.accept(ws);
      } catch (RuntimeException e) {
        log.warn("the handler of {} failed", path(), e);
        c.close(1011, "handler failed");
        return;
      }
      if (ws.connected()) {
        nsp.addPlain(ws);
        if (!c.isOpen()) {
          ws.gone(); // it closed while the handler ran: do not stay a member
        }
      }
    });
  }

  @Override
  public void onText(WebSocketConnection c, String text) {
    if (c.attributes().get(MEMBER) instanceof PlainWebSocket ws) {
      ws.onTextMessage(text);
    }
  }

  @Override
  public void onBinary(WebSocketConnection c, byte[] data) {
    if (c.attributes().get(MEMBER) instanceof PlainWebSocket ws) {
      ws.onBinaryMessage(data);
    }
  }

  @Override
  public void onClose(WebSocketConnection c, int code, String reason) {
    if (c.attributes().get(MEMBER) instanceof PlainWebSocket ws) {
      ws.onClosed(code, reason);
    }
  }

  void close() {
    endpoint.close();
  }
}
