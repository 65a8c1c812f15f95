package io.switchboard.conformance;

import io.switchboard.engine.HttpServer;
import io.switchboard.engine.ws.WebSocketEndpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The server the Autobahn|Testsuite Maven plugin starts in {@code mvn verify} (see this module's pom): the
 * conformance server's WebSocket echo ({@link WebSocketEcho}, the same endpoint and options as {@code /ws-echo}),
 * served at {@code /}, because the plugin's fuzzing client connects to {@code ws://host:port} with no path, on the
 * address the plugin connects to ({@code InetAddress.getLocalHost()}).
 *
 * <pre>{@code
 * AutobahnEchoServer.main(new String[] {"9001"});   // what the plugin calls, with a free port
 * }</pre>
 */
public final class AutobahnEchoServer {
  private AutobahnEchoServer() {}

  /** Starts the echo on the port given as the only argument and returns; the server runs until the JVM ends. */
  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    WebSocketEndpoint echo = WebSocketEcho.create("/");
    HttpServer.start(new InetSocketAddress(host(), port), pipeline -> pipeline.addLast("ws-echo", echo.newHandler()));
  }

  /** The address the plugin connects to: the local host's, as it computes it, else the loopback address. */
  private static InetAddress host() {
    try {
      return InetAddress.getLocalHost();
    } catch (UnknownHostException e) {
      return InetAddress.getLoopbackAddress();
    }
  }
}
