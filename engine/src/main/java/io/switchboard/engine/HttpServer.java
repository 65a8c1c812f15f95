package io.switchboard.engine;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.util.CharsetUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty HTTP server on one port: it decodes HTTP, lets the caller add handlers (an Engine.IO handler, application
 * routes), and answers 404 to whatever no handler took.
 *
 * <pre>{@code
 * EngineServer engine = new EngineServer(EngineOptions.DEFAULT);
 * HttpServer http = HttpServer.start(new InetSocketAddress("127.0.0.1", 3000),
 *     pipeline -> pipeline.addLast(engine.newHandler()));
 * ...
 * http.close();
 * }</pre>
 *
 * <p>Uses the native epoll transport when it is available, NIO otherwise.
 */
public final class HttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Channel serverChannel;

  private HttpServer(EventLoopGroup boss, EventLoopGroup worker, Channel serverChannel) {
    this.bossGroup = boss;
    this.workerGroup = worker;
    this.serverChannel = serverChannel;
  }

  /** Starts a server with one event loop per core. */
  public static HttpServer start(InetSocketAddress address, Consumer<ChannelPipeline> handlers) {
    return start(address, 0, handlers);
  }

  /**
   * Starts a server.
   *
   * @param address  where to listen; port 0 picks a free port
   * @param threads  worker event loops, 0 for Netty's default (twice the cores)
   * @param handlers adds this application's handlers to each connection's pipeline, after the HTTP codec
   */
  public static HttpServer start(InetSocketAddress address, int threads, Consumer<ChannelPipeline> handlers) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, factory);
    EventLoopGroup worker = new MultiThreadIoEventLoopGroup(threads, factory);
    try {
      ServerBootstrap b = new ServerBootstrap()
          .group(boss, worker)
          .channel(channelType)
          .option(ChannelOption.SO_BACKLOG, 4096)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ChannelPipeline p = ch.pipeline();
              p.addLast("http", new HttpServerCodec());
              handlers.accept(p);
              p.addLast("notFound", new NotFoundHandler());
            }
          });
      Channel ch = b.bind(address).syncUninterruptibly().channel();
      log.debug("listening on {} ({})", ch.localAddress(), epoll ? "epoll" : "nio");
      return new HttpServer(boss, worker, ch);
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      worker.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  /** The address the server listens on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The port the server listens on. */
  public int port() {
    return localAddress().getPort();
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** The last handler: answers 404 to requests no other handler took, and drops their bodies. */
  private static final class NotFoundHandler extends SimpleChannelInboundHandler<HttpObject> {
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
  }
}
