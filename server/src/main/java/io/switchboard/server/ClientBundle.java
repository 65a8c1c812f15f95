package io.switchboard.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import io.switchboard.engine.HttpPhaseHandler;
import io.switchboard.engine.StaticContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO browser client served at {@code <path>socket.io.js}, {@code .min.js}, {@code .esm.min.js} (and their
 * source maps), as the reference server's {@code serveClient} does, with an ETag, gzipped once at startup for
 * clients that accept it ({@link StaticContent}).
 *
 * <pre>{@code
 * <script src="/socket.io/socket.io.js"></script>
 * }</pre>
 *
 * <p>The files are the npm package {@code socket.io-client} pinned by {@code interop/package-lock.json}, copied into
 * the jar by the build; if the build had none, nothing is served.
 */
final class ClientBundle {
  private static final Logger log = LoggerFactory.getLogger(ClientBundle.class);
  private static final String RESOURCE_DIR = "io/switchboard/server/client/";
  private static final String[] FILES = {
      "socket.io.js", "socket.io.min.js", "socket.io.esm.min.js",
      "socket.io.js.map", "socket.io.min.js.map", "socket.io.esm.min.js.map"};

  private final Map<String, StaticContent> files;

  private ClientBundle(Map<String, StaticContent> files) {
    this.files = files;
  }

  /** The bundle for {@code path}, or {@code null} if the build packaged no client. */
  static ClientBundle load(String path) {
    Map<String, StaticContent> files = new HashMap<>();
    for (String name : FILES) {
      try (InputStream in = ClientBundle.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
        if (in == null) {
          continue;
        }
        byte[] body = in.readAllBytes();
        String type = name.endsWith(".map") ? "application/json" : "application/javascript; charset=utf-8";
        files.put(path + name, StaticContent.of(body, type)); // gzipped once, here
      } catch (IOException e) {
        log.warn("cannot read client file {}", name, e);
      }
    }
    if (files.isEmpty()) {
      log.debug("no client bundle packaged; serveClient has nothing to serve");
      return null;
    }
    return new ClientBundle(Map.copyOf(files));
  }

  ChannelHandler newHandler() {
    return new Handler();
  }

  /** Answers GET requests for the bundle files; passes on everything else. */
  private final class Handler extends ChannelInboundHandlerAdapter implements HttpPhaseHandler {
    private boolean swallowing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        StaticContent f = req.method() == HttpMethod.GET ? files.get(q < 0 ? uri : uri.substring(0, q)) : null;
        if (f == null) {
          swallowing = false;
          ctx.fireChannelRead(msg);
          return;
        }
        swallowing = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        respond(ctx, req, f);
        return;
      }
      if (swallowing && msg instanceof HttpContent) {
        if (msg instanceof LastHttpContent) {
          swallowing = false;
        }
        ReferenceCountUtil.release(msg);
        return;
      }
      ctx.fireChannelRead(msg);
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest req, StaticContent f) {
      FullHttpResponse res = f.response(req.headers());
      res.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=0");
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var future = ctx.writeAndFlush(res);
      if (!keepAlive) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
