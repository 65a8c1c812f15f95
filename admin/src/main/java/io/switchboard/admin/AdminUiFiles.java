package io.switchboard.admin;

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
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The Admin UI's built files ({@code ui/dist/} of the npm package {@code @socket.io/admin-ui}, copied unchanged into
 * the jar by the build) served under a path, with ETags; {@code <path>} without its slash is redirected to it.
 *
 * <pre>{@code
 * AdminUiFiles files = AdminUiFiles.load("/admin/");   // null when the build packaged no UI
 * pipeline.addLast(files.newHandler());
 * }</pre>
 */
final class AdminUiFiles {
  private static final String RESOURCE_DIR = "io/switchboard/admin/ui/";
  /** Only plain relative names: letters, digits, dot, dash, underscore, slash; no "..". */
  private static final Pattern SAFE = Pattern.compile("^[A-Za-z0-9_\\-][A-Za-z0-9_.\\-/]{0,200}$");
  private static final File MISSING = new File(null, null, null);

  private record File(byte[] body, String etag, String contentType) {}

  private final String path;
  private final Map<String, File> cache = new ConcurrentHashMap<>();

  private AdminUiFiles(String path) {
    this.path = path;
  }

  /** The UI under {@code path} (ending with /), or null when the build packaged none. */
  static AdminUiFiles load(String path) {
    if (AdminUiFiles.class.getClassLoader().getResource(RESOURCE_DIR + "index.html") == null) {
      return null;
    }
    return new AdminUiFiles(path);
  }

  /** A handler that passes every request on. */
  static ChannelHandler passThrough() {
    return new ChannelInboundHandlerAdapter();
  }

  ChannelHandler newHandler() {
    return new Handler();
  }

  /** The file for a request path under the UI's, or null. */
  private File file(String uriPath) {
    if (!uriPath.startsWith(path)) {
      return null;
    }
    String name = uriPath.substring(path.length());
    if (name.isEmpty()) {
      name = "index.html";
    }
    if (!SAFE.matcher(name).matches() || name.contains("..") || name.contains("//")) {
      return null;
    }
    File f = cache.computeIfAbsent(name, AdminUiFiles::read);
    return f == MISSING ? null : f;
  }

  private static File read(String name) {
    try (InputStream in = AdminUiFiles.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        return MISSING;
      }
      byte[] body = in.readAllBytes();
      return new File(body, etag(body), contentType(name));
    } catch (IOException e) {
      return MISSING;
    }
  }

  private static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    return switch (ext) {
      case "html" -> "text/html; charset=utf-8";
      case "js" -> "application/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "svg" -> "image/svg+xml";
      case "png" -> "image/png";
      case "json", "map" -> "application/json";
      default -> "application/octet-stream";
    };
  }

  private static String etag(byte[] body) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers GET (and HEAD) requests for the UI's files; passes on everything else. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    private boolean swallowing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest req) {
        String uri = req.uri();
        int q = uri.indexOf('?');
        String p = q < 0 ? uri : uri.substring(0, q);
        boolean get = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
        boolean redirect = get && p.equals(path.substring(0, path.length() - 1));
        File f = get && !redirect ? file(p) : null;
        if (f == null && !redirect) {
          swallowing = false;
          ctx.fireChannelRead(msg);
          return;
        }
        swallowing = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        if (redirect) {
          FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
          res.headers().set(HttpHeaderNames.LOCATION, path);
          write(ctx, req, res);
        } else {
          respond(ctx, req, f);
        }
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
      boolean head = req.method() == HttpMethod.HEAD;
      FullHttpResponse res = notModified || head
          ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
              notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK)
          : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(f.body()));
      res.headers().set(HttpHeaderNames.ETAG, f.etag());
      res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
      res.headers().set("X-Content-Type-Options", "nosniff");
      if (!notModified) {
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
      }
      write(ctx, req, res);
    }

    private void write(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse res) {
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
