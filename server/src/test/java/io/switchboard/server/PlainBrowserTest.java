package io.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.engine.HttpServer;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium's own {@code WebSocket} and {@code EventSource} and the served {@code socket.io.js} on one page,
 * in one room: one broadcast reaches the three (the README's browser examples).
 */
class PlainBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PAGE = """
      <!doctype html><meta charset="utf-8"><title>plain</title>
      <script src="/socket.io/socket.io.js"></script>
      <script>
      window.got = [];
      const room = "prices";
      const socket = io({ transports: ["websocket"] });
      socket.on("connect", () => socket.emit("join", room, () => got.push("ready:sio")));
      socket.on("price", (p) => got.push("sio:" + JSON.stringify(p)));

      const ws = new WebSocket(`ws://${location.host}/ws`);
      ws.onopen = () => ws.send(JSON.stringify({ event: "join", data: room }));
      ws.onmessage = (m) => {
        const { event, data } = JSON.parse(m.data);
        if (event === "joined") got.push("ready:ws");
        if (event === "price") got.push("ws:" + JSON.stringify(data[0]));
      };

      const es = new EventSource(`/events?room=${room}`);
      es.onopen = () => got.push("ready:sse");
      es.addEventListener("price", (e) => got.push("sse:" + e.data + " id=" + e.lastEventId));
      </script>
      """;

  @TempDir
  Path profile;

  @Test
  void chromiumsWebSocketAndEventSourceGetTheRoomBroadcastWithSocketIo() throws Exception {
    ServerOptions recovery = ServerOptions.builder().connectionStateRecovery(ConnectionStateRecovery.DEFAULT).build();
    try (Server io = new Server(recovery);
        HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), p -> {
          io.configure(p);
          p.addLast(new Page());
        })) {
      PlainClients.serveJoin(io);
      WebDriver browser = browser();
      try {
        browser.get("http://127.0.0.1:" + http.port() + "/page");
        waitFor(browser, got -> got.containsAll(List.of("ready:sio", "ready:ws", "ready:sse")));
        io.to("prices").emit("price", new java.util.TreeMap<>(Map.of("sym", "ACME", "px", 12.5)));
        String json = "{\"px\":12.5,\"sym\":\"ACME\"}";
        List<String> got = waitFor(browser, g -> g.stream().filter(s -> s.contains("ACME")).count() == 3);
        assertThat(got).contains("sio:" + json, "ws:" + json);
        assertThat(got).anyMatch(s -> s.startsWith("sse:" + json + " id=") && !s.endsWith("id="));
      } finally {
        browser.quit();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> waitFor(WebDriver d, java.util.function.Predicate<List<String>> ok) {
    return new WebDriverWait(d, WAIT).until(x -> {
      List<String> got = (List<String>) ((JavascriptExecutor) x).executeScript("return window.got || [];");
      return ok.test(got) ? got : null;
    });
  }

  private WebDriver browser() throws Exception {
    String chromium = System.getProperty("chat.chromium", "/usr/bin/chromium");
    String chromedriver = System.getProperty("chat.chromedriver", "/usr/bin/chromedriver");
    assertThat(Path.of(chromium)).as("Chromium is needed: apt-get install chromium chromium-driver").exists();
    assertThat(Path.of(chromedriver)).as("ChromeDriver is needed: apt-get install chromium-driver").exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(profile.resolve("p")));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver)).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** Serves {@link #PAGE} at {@code /page}. */
  private static final class Page extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest req && req.uri().equals("/page")) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            Unpooled.copiedBuffer(PAGE, StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        HttpUtil.setContentLength(res, res.content().readableBytes());
        ctx.writeAndFlush(res);
        ReferenceCountUtil.release(msg);
        return;
      }
      ctx.fireChannelRead(msg);
    }
  }
}
