package io.switchboard.conformance;

import io.netty.handler.codec.http.cors.CorsConfigBuilder;
import io.switchboard.engine.EngineOptions;
import io.switchboard.server.Server;
import io.switchboard.server.ServerOptions;
import java.time.Duration;

/**
 * The Socket.IO endpoint of the conformance server, configured as the official socket.io-protocol test suite expects:
 * it greets each connection to {@code /} and {@code /custom} with an {@code auth} event carrying the handshake's auth
 * payload, answers {@code message} with {@code message-back} and acknowledges {@code message-with-ack} with the same
 * arguments; any other namespace is refused with "Invalid namespace".
 *
 * <pre>{@code
 * Server io = SocketIoReference.create();   // at /socket.io/, ping 300 ms / 200 ms, connectTimeout 1 s, CORS *
 * HttpServer http = HttpServer.start(address, io::configure);
 * }</pre>
 */
public final class SocketIoReference {
  /** How long a connection may stay without joining a namespace, as the suite expects. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

  private SocketIoReference() {}

  /** The options of the Socket.IO endpoint: the Engine.IO settings of {@link EngineEcho} at {@code /socket.io/}. */
  public static ServerOptions options() {
    EngineOptions engine = EngineOptions.builder()
        .path("/socket.io/")
        .pingInterval(EngineEcho.PING_INTERVAL)
        .pingTimeout(EngineEcho.PING_TIMEOUT)
        .maxHttpBufferSize(EngineEcho.MAX_PAYLOAD)
        .cors(CorsConfigBuilder.forAnyOrigin().build())
        .build();
    return ServerOptions.builder()
        .engine(engine)
        .connectTimeout(CONNECT_TIMEOUT)
        .serveClient(false)
        .build();
  }

  /** A new server with {@link #options()} and the suite's application installed. */
  public static Server create() {
    Server io = new Server(options());
    io.onConnection(socket -> {
      socket.emit("auth", socket.handshake().auth());
      socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
      socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
    });
    io.of("/custom").onConnection(socket -> socket.emit("auth", socket.handshake().auth()));
    return io;
  }
}
