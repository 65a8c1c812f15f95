package io.switchboard.engine.ws;

import io.netty.channel.ChannelHandler;
import io.switchboard.engine.Ids;
import io.switchboard.engine.InputBudget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A plain RFC 6455 WebSocket endpoint on an {@link io.switchboard.engine.HttpServer} (no Engine.IO framing): it
 * authenticates the upgrade request, performs the handshake, guards the input and hands whole messages to a
 * {@link WebSocketHandler}.
 *
 * <pre>{@code
 * WebSocketEndpoint ws = new WebSocketEndpoint(WebSocketOptions.builder().path("/ws").build(),
 *     new WebSocketHandler() {
 *       public void onText(WebSocketConnection c, String text) { c.send("echo: " + text); }
 *     });
 * HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 3000),
 *     pipeline -> pipeline.addLast("ws", ws.newHandler()));
 * ...
 * ws.close();       // 1001 to every connection
 * http.close();
 * }</pre>
 *
 * <p>On the path, a request is answered before any upgrade when it cannot become a WebSocket: 405 (not GET), 426
 * (no {@code Upgrade: websocket}, or a version other than 13), 400 (an {@code Origin} with control characters, a
 * bad handshake), 403 (an origin outside {@link WebSocketOptions#origins()}), the authenticator's status, 503 (the
 * endpoint is closed, or the authenticator took longer than {@link WebSocketOptions#authTimeout()}). Requests for
 * other paths pass to the next handler, so the endpoint shares its port with Engine.IO and application routes.
 *
 * <p>Frames are checked before Netty's decoder buffers them (the engine's {@code InputGuard}: size from the header,
 * fragments, frames a second, the endpoint-wide budget of unfinished input, close codes and reasons), then by
 * Netty's decoder (masking, reserved bits and opcodes, control frames) and UTF-8 validator (incrementally, fragment
 * by fragment); {@link CloseCodes} lists the answers. No extension (permessage-deflate) is negotiated.
 */
public final class WebSocketEndpoint implements AutoCloseable {

  private final WebSocketOptions options;
  private final WebSocketHandler handler;
  private final InputBudget inputBudget;
  private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();
  private final LongAdder refusedUpgrades = new LongAdder();
  private final LongAdder closedForInput = new LongAdder();
  private final LongAdder slowConsumers = new LongAdder();
  private final LongAdder pingTimeouts = new LongAdder();
  private volatile boolean closed;

  /**
   * An endpoint; it serves nothing until its {@link #newHandler()} is in a server's pipelines.
   *
   * @param options the configuration, such as {@link WebSocketOptions#DEFAULT}
   * @param handler what the application does with the connections; one instance serves all of them
   * @throws NullPointerException if either argument is null
   */
  public WebSocketEndpoint(WebSocketOptions options, WebSocketHandler handler) {
    this.options = Objects.requireNonNull(options, "options");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.inputBudget = new InputBudget(options.maxBufferedInput());
  }

  /**
   * {@return a new handler for one HTTP connection} Add it to the pipeline after the HTTP codec, as Engine.IO's; one
   * handler per connection, as it is not shareable.
   */
  public ChannelHandler newHandler() {
    return new UpgradeHandler(this);
  }

  /** {@return the configuration} */
  public WebSocketOptions options() {
    return options;
  }

  WebSocketHandler handler() {
    return handler;
  }

  /**
   * {@return the budget of unfinished input shared by all connections ({@link WebSocketOptions#maxBufferedInput()})}
   */
  public InputBudget inputBudget() {
    return inputBudget;
  }

  /** {@return the open connections, an unmodifiable snapshot taken now} */
  public Collection<WebSocketConnection> connections() {
    return Collections.unmodifiableCollection(new ArrayList<>(connections));
  }

  /** {@return how many connections are open} */
  public int connectionCount() {
    return connections.size();
  }

  /** {@return what the endpoint refused or closed so far, counted since it was created} */
  public WebSocketStats stats() {
    return new WebSocketStats(refusedUpgrades.sum(), closedForInput.sum(), slowConsumers.sum(), pingTimeouts.sum());
  }

  /** Refuses new upgrades (503) and closes every connection with 1001 (going away); a second call does nothing. */
  @Override
  public void close() {
    closed = true;
    for (WebSocketConnection c : connections) {
      c.close(CloseCodes.GOING_AWAY, "server shutting down");
    }
  }

  boolean isClosed() {
    return closed;
  }

  void register(WebSocketConnection c) {
    connections.add(c);
    if (closed) {
      c.close(CloseCodes.GOING_AWAY, "server shutting down");
    }
  }

  void unregister(WebSocketConnection c) {
    connections.remove(c);
  }

  void countRefusedUpgrade() {
    refusedUpgrades.increment();
  }

  void countRefusal(int code) {
    closedForInput.increment();
  }

  void countSlowConsumer() {
    slowConsumers.increment();
  }

  void countPingTimeout() {
    pingTimeouts.increment();
  }

  /** A new connection id: 144 random bits, URL-safe base64. */
  static String newId() {
    return Ids.base64Url(18);
  }
}
