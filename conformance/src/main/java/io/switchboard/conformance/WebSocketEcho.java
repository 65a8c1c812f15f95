package io.switchboard.conformance;

import io.switchboard.engine.ws.WebSocketConnection;
import io.switchboard.engine.ws.WebSocketEndpoint;
import io.switchboard.engine.ws.WebSocketHandler;
import io.switchboard.engine.ws.WebSocketOptions;
import java.time.Duration;

/**
 * The plain WebSocket echo endpoint of the conformance server ({@code /ws-echo}), configured for the Autobahn
 * fuzzing client: every text or binary message goes back to its sender unchanged.
 *
 * <pre>{@code
 * WebSocketEndpoint echo = WebSocketEcho.create("/ws-echo");   // maxPayload 16 MiB, no fragment or frame-rate cap
 * HttpServer http = HttpServer.start(address, p -> p.addLast(echo.newHandler()));
 * }</pre>
 *
 * <p>The limits are raised past the endpoint's defaults only as far as Autobahn's cases need: its 9.* cases send
 * messages of up to 16 MiB, in up to 65,536 fragments of 64 bytes, as fast as the connection allows; and there is
 * no heartbeat, as the fuzzer (on Jython) can take minutes to read a large echo without sending anything.
 */
public final class WebSocketEcho {
  /** The path the conformance server serves the echo at. */
  public static final String PATH = "/ws-echo";
  /** The largest message: Autobahn's largest (case 9.1.6 and 9.2.6, 16 MiB). */
  public static final int MAX_PAYLOAD = 16 * 1024 * 1024;

  private WebSocketEcho() {}

  /** The options of the echo endpoint at this path. */
  public static WebSocketOptions options(String path) {
    return WebSocketOptions.builder()
        .path(path)
        .maxPayload(MAX_PAYLOAD)
        .maxFragments(1 << 20)
        .maxFramesPerSecond(0)
        .maxBufferedInput(256L * 1024 * 1024)
        .maxOutboundBytes(64L * 1024 * 1024)
        .closeTimeout(Duration.ofSeconds(2))
        // no heartbeat: the fuzzer (Python on Jython) can spend minutes reading a 16 MiB echo without sending a byte
        .pingInterval(Duration.ZERO)
        .build();
  }

  /** A new echo endpoint with {@link #options(String)}. */
  public static WebSocketEndpoint create(String path) {
    return new WebSocketEndpoint(options(path), new WebSocketHandler() {
      @Override
      public void onText(WebSocketConnection connection, String text) {
        connection.send(text);
      }

      @Override
      public void onBinary(WebSocketConnection connection, byte[] data) {
        connection.send(data);
      }
    });
  }
}
