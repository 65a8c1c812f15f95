package io.switchboard.chat.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.engine.HttpServer;
import io.switchboard.engine.HttpServerOptions;
import io.switchboard.server.Server;
import io.switchboard.server.metrics.MetricsOptions;
import io.switchboard.server.metrics.SwitchboardMetrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The chat's management port: {@code GET /metrics} in the Prometheus text format, with the Switchboard meters of the
 * chat's Socket.IO server and the JVM's and process's own. It listens on its own address (127.0.0.1 by default),
 * never on the public port.
 *
 * <pre>{@code
 * try (MetricsEndpoint m = MetricsEndpoint.start(io, publicHttp, new InetSocketAddress("127.0.0.1", 9464))) {
 *   // curl http://127.0.0.1:9464/metrics
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** The chat's own events counted by name: a fixed list, so clients cannot make series up. */
  static final Set<String> EVENT_NAMES = Set.of("auth:refresh", "chat:private", "chat:read", "history:fetch",
      "room:join", "room:leave", "room:message", "typing", "auth:expired", "auth:expiring", "chat:message",
      "chat:receipt", "notification", "system:message", "user:joined", "user:left", "user:online", "user:typing");
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final SwitchboardMetrics switchboard;
  private final JvmGcMetrics gc;
  private final HttpServer http;

  private MetricsEndpoint(PrometheusMeterRegistry registry, SwitchboardMetrics switchboard, JvmGcMetrics gc,
      HttpServer http) {
    this.registry = registry;
    this.switchboard = switchboard;
    this.gc = gc;
    this.http = http;
  }

  /** Binds the meters of {@code io} (its connections served by {@code publicHttp}) and listens on {@code address}. */
  public static MetricsEndpoint start(Server io, HttpServer publicHttp, InetSocketAddress address) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SwitchboardMetrics switchboard = new SwitchboardMetrics(io,
        MetricsOptions.builder().eventNames(EVENT_NAMES).build()).http(publicHttp);
    switchboard.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    HttpServer http;
    try {
      http = HttpServer.start(address, HttpServerOptions.builder().threads(1).build(),
          pipeline -> pipeline.addLast("metrics", new Scrape(registry)));
    } catch (RuntimeException e) {
      switchboard.close();
      gc.close();
      throw e;
    }
    return new MetricsEndpoint(registry, switchboard, gc, http);
  }

  /** The port of the management server. */
  public int port() {
    return http.port();
  }

  /** The registry, for meters of the application's own. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    http.close();
    switchboard.close();
    gc.close();
    registry.close();
  }

  /** Answers {@code GET /metrics}; 404 for any other path, 405 for any other method. */
  private static final class Scrape extends ChannelInboundHandlerAdapter {
    private final PrometheusMeterRegistry registry;

    Scrape(PrometheusMeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest req) {
          String path = new QueryStringDecoder(req.uri()).path();
          FullHttpResponse res;
          if (!path.equals("/metrics")) {
            res = text(HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain; charset=utf-8");
          } else if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n", "text/plain; charset=utf-8");
            res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
          } else {
            res = text(HttpResponseStatus.OK, registry.scrape(), CONTENT_TYPE);
          }
          boolean keepAlive = HttpUtil.isKeepAlive(req);
          HttpUtil.setKeepAlive(res, keepAlive);
          var f = ctx.writeAndFlush(res);
          if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      return res;
    }
  }
}
