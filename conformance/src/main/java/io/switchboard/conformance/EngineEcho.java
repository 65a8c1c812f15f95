package io.switchboard.conformance;

import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.switchboard.engine.EngineOptions;
import io.switchboard.engine.EngineServer;
import io.switchboard.engine.EngineSocket;
import java.time.Duration;

/**
 * The Engine.IO echo endpoint of the conformance server, configured as the official engine.io-protocol test suite
 * expects: every text or binary message goes back to its sender unchanged.
 *
 * <pre>{@code
 * EngineServer engine = EngineEcho.create();   // at /engine.io/, ping 300 ms / 200 ms, maxPayload 1,000,000, CORS *
 * HttpServer http = HttpServer.start(address, p -> p.addLast(engine.newHandler()));
 * }</pre>
 */
public final class EngineEcho {
  /** The ping interval the official suite expects. */
  public static final Duration PING_INTERVAL = Duration.ofMillis(300);
  /** The ping timeout the official suite expects. */
  public static final Duration PING_TIMEOUT = Duration.ofMillis(200);
  /** The largest payload, advertised as {@code maxPayload}. */
  public static final int MAX_PAYLOAD = 1_000_000;

  private EngineEcho() {}

  /** The options of the echo endpoint. */
  public static EngineOptions options() {
    return EngineOptions.builder()
        .path("/engine.io/")
        .pingInterval(PING_INTERVAL)
        .pingTimeout(PING_TIMEOUT)
        .maxHttpBufferSize(MAX_PAYLOAD)
        .cors(CorsConfigBuilder.forAnyOrigin().build())
        .build();
  }

  /** A new echo server with {@link #options()}. */
  public static EngineServer create() {
    EngineServer engine = new EngineServer(options());
    engine.onConnection(EngineEcho::echo);
    return engine;
  }

  private static void echo(EngineSocket socket) {
    socket.listener(new EngineSocket.Listener() {
      @Override
      public void onMessage(String text) {
        socket.send(text);
      }

      @Override
      public void onBinary(byte[] data) {
        socket.send(data);
      }
    });
  }
}
