package io.switchboard.engine;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.CharsetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty HTTP server on one port: it decodes HTTP strictly, enforces the connection limits and timeouts of its
 * {@link HttpServerOptions}, lets the caller add handlers (an Engine.IO handler, application routes), and answers 404
 * to whatever no handler took.
 *
 * <pre>{@code
 * EngineServer engine = new EngineServer(EngineOptions.DEFAULT);
 * HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 3000),
 *     pipeline -> pipeline.addLast(engine.newHandler()));
 * ...
 * HttpServerStats refused = http.stats();
 * http.close();
 * }</pre>
 *
 * <p>Each connection's pipeline is: a framing guard, Netty's {@link HttpServerCodec}, a strict guard, the caller's
 * handlers, a 404 handler. The guards answer what must not reach the application (malformed or ambiguous requests:
 * 400; request line too long: 414; headers too large or too many: 431; over a per-address limit: 503; too slow:
 * 408), after which nothing more from that connection is dispatched. Requests that reach the caller's handlers are
 * well-formed, one at a time, with a single unambiguous body length. See {@link HttpServerOptions} for the limits and
 * what happens on a fatal error.
 *
 * <p>With {@link HttpServerOptions#tls()} every connection starts with a TLS handshake (the first handler of the
 * pipeline), the certificate reloads without a restart, and a plain-HTTP listener can redirect to HTTPS; see
 * {@link TlsOptions}.
 *
 * <p>Uses the native epoll transport when it is available, NIO otherwise. When accepting a connection fails (for
 * instance "Too many open files"), accepting pauses for a second and then resumes by itself, with one warning a
 * second: with a limit of 256 descriptors, a burst of 300 connections had 230 served at once and the other 70 as
 * soon as some of those closed. With no descriptor left, though, the JVM cannot open anything else either, not even
 * a class file it has yet to load, so keep {@link HttpServerOptions#maxConnections()} well below the limit (the
 * server warns at start when it is not).
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  /** The client address of a connection behind a trusted proxy, set at its first request. */
  static final AttributeKey<InetAddress> CLIENT_ADDRESS = AttributeKey.valueOf(HttpServer.class, "clientAddress");

  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Channel serverChannel;
  private final HttpServerShared shared;
  /** The TLS context, or {@code null} for plain HTTP. */
  private final TlsContext tls;
  /** The plain-HTTP listener that redirects to HTTPS, or {@code null}. */
  private volatile Channel redirectChannel;
  private volatile boolean closing;
  private volatile boolean stoppedAccepting;

  private HttpServer(EventLoopGroup boss, EventLoopGroup worker, Channel serverChannel, HttpServerShared shared,
      TlsContext tls) {
    this.bossGroup = boss;
    this.workerGroup = worker;
    this.serverChannel = serverChannel;
    this.shared = shared;
    this.tls = tls;
  }

  /**
   * Starts a server with {@link HttpServerOptions#DEFAULT}; see
   * {@link #start(InetSocketAddress, HttpServerOptions, Consumer)}.
   *
   * @param address where to listen; port 0 picks a free port
   * @param handlers adds this application's handlers to each connection's pipeline, after the HTTP codec and the
   *                 request checks
   * @return the running server
   */
  public static HttpServer start(InetSocketAddress address, Consumer<ChannelPipeline> handlers) {
    return start(address, HttpServerOptions.DEFAULT, handlers);
  }

  /**
   * Starts a server with the default options but the number of worker event loops.
   *
   * @param address  where to listen; port 0 picks a free port
   * @param threads  worker event loops, 0 for Netty's default (twice the cores)
   * @param handlers adds this application's handlers to each connection's pipeline, after the HTTP codec
   * @return the running server
   */
  public static HttpServer start(InetSocketAddress address, int threads, Consumer<ChannelPipeline> handlers) {
    return start(address, HttpServerOptions.DEFAULT.toBuilder().threads(threads).build(), handlers);
  }

  /**
   * Starts a server: reads the TLS certificate if there is one, binds, and returns once it listens. {@code handlers}
   * is called on a connection's event loop for every new connection. When binding fails (the port is taken, say),
   * the event loops are shut down and the bind's exception is thrown as it is: an {@link java.io.IOException},
   * although undeclared.
   *
   * @param address  where to listen; port 0 picks a free port
   * @param options  the limits, timeouts and fatal error handler
   * @param handlers adds this application's handlers to each connection's pipeline, after the HTTP codec and the
   *                 request checks
   * @return the running server
   * @throws IllegalArgumentException when the TLS certificate cannot be read or does not match its key
   * @throws IllegalStateException when {@link TlsProvider#OPENSSL} was asked for and is not available
   */
  public static HttpServer start(InetSocketAddress address, HttpServerOptions options,
      Consumer<ChannelPipeline> handlers) {
    HttpServerShared shared = new HttpServerShared(options);
    TlsContext tls = options.tls() == null ? null : TlsContext.create(options.tls());
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, factory);
    EventLoopGroup worker = new MultiThreadIoEventLoopGroup(options.threads(), factory);
    try {
      ServerBootstrap b = new ServerBootstrap()
          .group(boss, worker)
          .channel(channelType)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .handler(new AcceptGuard(shared))
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              if (tls != null) {
                ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc()));
              }
              initConnection(ch, shared, handlers);
            }
          });
      Channel ch = b.bind(address).syncUninterruptibly().channel();
      HttpServer server = new HttpServer(boss, worker, ch, shared, tls);
      ch.closeFuture().addListener(f -> server.onServerChannelClosed());
      if (tls != null) {
        server.startTls(b, address, options.tls());
      }
      if (shared.limiter != null) {
        IpLimiter limiter = shared.limiter;
        ScheduledFuture<?> sweep = ch.eventLoop().scheduleAtFixedRate(
            () -> limiter.sweep(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
        ch.closeFuture().addListener(f -> sweep.cancel(false));
      }
      log.debug("listening on {} ({})", ch.localAddress(), epoll ? "epoll" : "nio");
      warnIfOverDescriptorLimit(options.maxConnections());
      return server;
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      worker.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** The name of the TLS handler, first in the pipeline of an HTTPS connection. */
  static final String TLS = "sb.tls";

  /** The pipeline of one connection after TLS: the guards around the codec, the caller's handlers, the 404. */
  private static void initConnection(Channel ch, HttpServerShared shared, Consumer<ChannelPipeline> handlers) {
    HttpConnectionGuard guard = new HttpConnectionGuard(shared, ch);
    ChannelPipeline p = ch.pipeline();
    p.addLast(HttpConnectionGuard.FRAMING, guard.framing());
    p.addLast("http", new HttpServerCodec(shared.decoderConfig));
    p.addLast(HttpConnectionGuard.STRICT, guard.strict());
    handlers.accept(p);
    p.addLast("notFound", new NotFoundHandler(shared));
    guard.start();
  }

  /**
   * Starts what TLS adds once listening: the periodic check of the certificate files, and the redirect listener on
   * the same address and event loops, whose connections are guarded (and counted) like the HTTPS ones.
   */
  private void startTls(ServerBootstrap https, InetSocketAddress address, TlsOptions options) {
    long every = options.reloadCheckInterval().toMillis();
    if (tls.watchesFiles() && every > 0) {
      ScheduledFuture<?> check = serverChannel.eventLoop().scheduleWithFixedDelay(
          tls::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
      serverChannel.closeFuture().addListener(f -> check.cancel(false));
    }
    log.info("HTTPS on {} with TLS from {} ({}, certificate {})", serverChannel.localAddress(),
        tls.provider() == TlsProvider.OPENSSL ? "OpenSSL" : "the JDK", options.source(),
        tls.certificate() == null ? "of the SslContext" : tls.certificate().getSubjectX500Principal().getName());
    if (options.httpRedirectPort() < 0) {
      return;
    }
    int publicPort = options.httpsPublicPort() > 0 ? options.httpsPublicPort() : port();
    ServerBootstrap redirect = https.clone().handler(new AcceptGuard(shared)).childHandler(new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        initConnection(ch, shared, p -> p.addLast("https-redirect", new HttpsRedirect(() -> publicPort)));
      }
    });
    try {
      redirectChannel = redirect.bind(new InetSocketAddress(address.getAddress(), options.httpRedirectPort()))
          .syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.info("HTTP on {} redirects to HTTPS port {}", redirectChannel.localAddress(), publicPort);
  }

  /**
   * Warns when {@code maxConnections} would leave the process too few file descriptors: when they run out, accepting
   * fails, and so does anything else that opens a file, down to loading a class not loaded yet. It should leave a
   * tenth of the limit, and at least 256, for everything else.
   */
  private static void warnIfOverDescriptorLimit(int maxConnections) {
    if (maxConnections == 0) {
      return;
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      long reserve = Math.max(256, limit / 10);
      if (limit > 0 && maxConnections > limit - reserve) {
        log.warn("maxConnections {} leaves too few of the process's {} file descriptors (keep {} for the rest): "
            + "raise the limit (ulimit -n, LimitNOFILE) or lower maxConnections", maxConnections, limit, reserve);
      }
    }
  }

  /**
   * {@return the client address of a connection of an {@link HttpServer}: the TCP peer, or, when the peer is a trusted
   * proxy, the client named by its {@code X-Forwarded-For} (known from the connection's first request on); {@code null}
   * when the channel has no IP peer}
   *
   * @param channel a connection accepted by an {@link HttpServer}
   */
  public static InetAddress clientAddress(Channel channel) {
    if (channel.hasAttr(CLIENT_ADDRESS)) { // reading through attr() would create the attribute
      InetAddress client = channel.attr(CLIENT_ADDRESS).get();
      if (client != null) {
        return client;
      }
    }
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /** {@return the address the server listens on} */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** {@return the port the server listens on} */
  public int port() {
    return localAddress().getPort();
  }

  /**
   * {@return the event loops serving the connections (and the Engine.IO sessions on them)} Shut down by
   * {@link #close()}.
   */
  public EventLoopGroup eventLoops() {
    return workerGroup;
  }

  /** {@return what the server refused so far, and how many connections are open} */
  public HttpServerStats stats() {
    return shared.stats();
  }

  /** {@return the options the server runs with} */
  public HttpServerOptions options() {
    return shared.options;
  }

  /** {@return the TLS implementation serving this server's connections, or {@code null} when it speaks plain HTTP} */
  public TlsProvider tlsProvider() {
    return tls == null ? null : tls.provider();
  }

  /**
   * Reads the certificate again now (see {@link TlsOptions}): new handshakes use it, connections already open keep
   * theirs. When it cannot be read, or the key does not match, one warning is logged and the previous certificate
   * stays. Safe from any thread; it reads files, so better not on an event loop.
   *
   * @return whether the new certificate is in use; false also with a ready {@link TlsOptions.Builder#sslContext},
   *     which has nothing to reload
   * @throws IllegalStateException when the server speaks plain HTTP
   */
  public boolean reloadCertificates() {
    if (tls == null) {
      throw new IllegalStateException("this server has no TLS");
    }
    return tls.reload();
  }

  /** {@return the port of the plain-HTTP listener that redirects to HTTPS, or -1 when there is none} */
  public int redirectPort() {
    Channel r = redirectChannel;
    return r == null ? -1 : ((InetSocketAddress) r.localAddress()).getPort();
  }

  /** The listening channel (for tests). */
  Channel serverChannel() {
    return serverChannel;
  }

  /**
   * Closes the listening socket (and the redirect listener) and keeps the open connections: the first step of a graceful shutdown. New
   * connections are refused from now on (a load balancer takes them to another server), while the clients already
   * connected are served until they are told to go and {@link #close()} ends the rest. Returns once the socket is
   * closed; a second call does nothing.
   */
  public void stopAccepting() {
    stoppedAccepting = true;
    Channel r = redirectChannel;
    if (r != null) {
      r.close().syncUninterruptibly();
    }
    serverChannel.close().syncUninterruptibly();
  }

  /** Stops listening and closes every connection; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closing) {
      return;
    }
    closing = true;
    Channel r = redirectChannel;
    if (r != null) {
      r.close().syncUninterruptibly();
    }
    serverChannel.close().syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void onServerChannelClosed() {
    if (!closing && !stoppedAccepting) {
      shared.fatal("the listening socket " + serverChannel.localAddress() + " closed",
          new IllegalStateException("listening socket closed without HttpServer.close()"));
    }
  }

  /**
   * On the listening channel, before Netty's acceptor: closes a new connection at once when the server has
   * {@code maxConnections}, counts the open ones, and handles errors of the accept loop (a fatal one stops the
   * process; any other pauses accepting for a second, after which it resumes by itself).
   */
  private static final class AcceptGuard extends ChannelInboundHandlerAdapter {
    private final HttpServerShared shared;
    private final int max;

    AcceptGuard(HttpServerShared shared) {
      this.shared = shared;
      this.max = shared.options.maxConnections();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel child = (Channel) msg;
      int open = shared.openConnections.incrementAndGet();
      if (max > 0 && open > max && !shared.evictSilent(System.nanoTime())) {
        shared.openConnections.decrementAndGet();
        shared.refused(shared.refusedMaxConnections, child.remoteAddress());
        child.unsafe().closeForcibly(); // not registered yet: nothing else was spent on it
        return;
      }
      child.closeFuture().addListener(shared.onConnectionClosed);
      ctx.fireChannelRead(child);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (HttpServerShared.isFatal(cause)) {
        shared.fatal("accepting connections on " + ctx.channel().localAddress(), cause);
        return;
      }
      shared.acceptErrors.increment();
      ChannelConfig config = ctx.channel().config();
      if (config.isAutoRead()) {
        log.warn("accepting a connection on {} failed ({}); pausing accepts for 1 s", ctx.channel().localAddress(),
            String.valueOf(cause));
        config.setAutoRead(false);
        ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), 1, TimeUnit.SECONDS);
      }
    }
  }

  /** The last handler: answers 404 to requests no other handler took, and drops their bodies. */
  private static final class NotFoundHandler extends SimpleChannelInboundHandler<HttpObject>
      implements HttpPhaseHandler {
    private final HttpServerShared shared;

    NotFoundHandler(HttpServerShared shared) {
      this.shared = shared;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest req) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND,
            Unpooled.copiedBuffer("Not Found", CharsetUtil.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        HttpUtil.setContentLength(res, res.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        if (keepAlive) {
          ctx.writeAndFlush(res);
        } else {
          ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
      }
    }

    /** Exceptions no handler took: a fatal one stops the process, any other closes the connection. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (HttpServerShared.isFatal(cause)) {
        shared.fatal("serving " + ctx.channel(), cause);
      } else {
        log.debug("closing {} after an unhandled error", ctx.channel(), cause);
      }
      ctx.close();
    }
  }
}
