package io.switchboard.conformance;

import io.switchboard.engine.EngineServer;
import io.switchboard.engine.HttpServer;
import io.switchboard.engine.ws.WebSocketEndpoint;
import io.switchboard.server.Server;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The conformance server: the project's protocol endpoints in the configuration the official protocol test suites
 * expect, on one port of 127.0.0.1.
 *
 * <pre>{@code
 * java -jar conformance/target/switchboard-conformance.jar --port 3000
 *
 * try (ConformanceServer server = ConformanceServer.start(0)) {   // in a test: any free port
 *   URI eio = URI.create("http://127.0.0.1:" + server.port() + "/engine.io/");
 * }
 * }</pre>
 *
 * <p>Endpoints: an Engine.IO echo server at {@code /engine.io/} ({@link EngineEcho}), the Socket.IO test
 * application at {@code /socket.io/} ({@link SocketIoReference}), and a plain RFC 6455 WebSocket echo at
 * {@code /ws-echo} ({@link WebSocketEcho}, what the Autobahn fuzzing client tests).
 */
public final class ConformanceServer implements AutoCloseable {
  /** The port the official suites connect to. */
  public static final int DEFAULT_PORT = 3000;

  private final EngineServer engine;
  private final Server io;
  private final WebSocketEndpoint echo;
  private final HttpServer http;

  private ConformanceServer(EngineServer engine, Server io, WebSocketEndpoint echo, HttpServer http) {
    this.engine = engine;
    this.io = io;
    this.echo = echo;
    this.http = http;
  }

  /** Starts the server on 127.0.0.1:{@code port}; 0 picks a free port. */
  public static ConformanceServer start(int port) {
    EngineServer engine = EngineEcho.create();
    Server io = SocketIoReference.create();
    WebSocketEndpoint echo = WebSocketEcho.create(WebSocketEcho.PATH);
    HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", port), pipeline -> {
      pipeline.addLast("engine.io", engine.newHandler());
      pipeline.addLast("ws-echo", echo.newHandler());
      io.configure(pipeline);
    });
    return new ConformanceServer(engine, io, echo, http);
  }

  /** The port the server listens on. */
  public int port() {
    return http.port();
  }

  /** The Engine.IO echo server. */
  public EngineServer engine() {
    return engine;
  }

  /** The Socket.IO server. */
  public Server io() {
    return io;
  }

  /** The plain WebSocket echo endpoint at {@code /ws-echo}. */
  public WebSocketEndpoint webSocketEcho() {
    return echo;
  }

  /** Closes every session and stops listening. */
  @Override
  public void close() {
    echo.close();
    io.close();
    engine.close();
    http.close();
  }

  /** Runs the server until the process is stopped: {@code [--port N]} (default 3000). */
  public static void main(String[] args) throws InterruptedException {
    int port = DEFAULT_PORT;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else if (args[i].startsWith("--port=")) {
        port = Integer.parseInt(args[i].substring("--port=".length()));
      } else {
        System.err.println("usage: java -jar switchboard-conformance.jar [--port N]");
        System.exit(2);
      }
    }
    ConformanceServer server = start(port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("Switchboard conformance server listening on http://127.0.0.1:" + server.port()
        + " (Engine.IO echo at /engine.io/, Socket.IO test application at /socket.io/, WebSocket echo at "
        + WebSocketEcho.PATH + ")");
    stopped.await();
  }
}
