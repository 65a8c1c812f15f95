package io.switchboard.chat.http;

import io.netty.channel.Channel;
import io.switchboard.engine.HttpServer;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a request the server refused because of the client (4xx, a connection closed in the middle of a request) in
 * one INFO line, never a stack trace, and never more than {@value #BURST} lines per {@value #WINDOW_SECONDS} s (the
 * lines held back are counted in the next one), so a client cannot flood the log:
 *
 * <pre>{@code
 * ClientErrors errors = new ClientErrors();   // one per server
 * errors.log(ctx.channel(), 413, "POST", "/api/login", "Request body too large");
 * // INFO  chat.http - client error 413 POST /api/login from 127.0.0.1: Request body too large
 * }</pre>
 *
 * <p>What the client sent is shown only as the path, cut at 100 characters and with control characters replaced.
 */
public final class ClientErrors {
  private static final Logger log = LoggerFactory.getLogger("io.switchboard.chat.http");
  static final int BURST = 20;
  static final int WINDOW_SECONDS = 10;
  private static final int MAX_PATH = 100;
  private long windowStart;
  private int inWindow;
  private long held;

  /** Logs one refused request. */
  public void log(Channel channel, int status, String method, String path, String why) {
    long heldBack;
    synchronized (this) {
      long now = System.nanoTime();
      if (windowStart == 0 || now - windowStart > TimeUnit.SECONDS.toNanos(WINDOW_SECONDS)) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > BURST) {
        held++;
        return;
      }
      heldBack = held;
      held = 0;
    }
    log.info("client error {} {} {} from {}: {}{}", status, method, clean(path), address(channel), why,
        heldBack == 0 ? "" : " (and " + heldBack + " more not logged)");
  }

  static String clean(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_PATH + 1));
    for (int i = 0; i < s.length() && i < MAX_PATH; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return s.length() > MAX_PATH ? b.append('…').toString() : b.toString();
  }

  private static String address(Channel channel) {
    InetAddress client = channel == null ? null : HttpServer.clientAddress(channel); // a trusted proxy's client
    return client != null ? client.getHostAddress() : "?";
  }
}
