package io.switchboard.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO browser client served at {@code <path>socket.io.js}, {@code .min.js}, {@code .esm.min.js} (and their
 * source maps), as the reference server's {@code serveClient} does, with an ETag.
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

  private record File(byte[] body, String etag, String contentType) {}

  private final Map<String, File> files;

  private ClientBundle(Map<String, File> files) {
    this.files = files;
  }

  /** The bundle for {@code path}, or {@code null} if the build packaged no client. */
  static ClientBundle load(String path) {
    Map<String, File> files = new HashMap<>();
    for (String name : FILES) {
      try (InputStream in = ClientBundle.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
        if (in == null) {
          continue;
        }
        byte[] body = in.readAllBytes();
        String type = name.endsWith(".map") ? "application/json" : "application/javascript; charset=utf-8";
        files.put(path + name, new File(body, etag(body), type));
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

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  ChannelHandler newHandler() {
    return new Handler();
  }

  /** Answers GET requests for the bundle files; passes on everything else. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private boolean swallowing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        File f = req.method() == HttpMethod.GET ? files.get(q < 0 ? uri : uri.substring(0, q)) : null;
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

    private void respond(ChannelHandlerContext ctx, HttpRequest req, File f) {
      boolean notModified = f.etag().equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH));
      FullHttpResponse res = notModified
          ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED)
          : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(f.body()));
      res.headers().set(HttpHeaderNames.ETAG, f.etag());
      res.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=0");
      if (!notModified) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
      }
      HttpUtil.setContentLength(res, res.content().readableBytes());
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var future = ctx.writeAndFlush(res);
      if (!keepAlive) {
        future.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
