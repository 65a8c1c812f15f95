package io.switchboard.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.switchboard.bench.NettyTransport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An HTTP listener for the bench servers with the transport and number of event loops chosen on the command line
 * (rather than the defaults of {@code HttpServer}), so that every JVM server runs the same way under the same load.
 *
 * <pre>{@code
 * BenchHttpServer http = BenchHttpServer.start(new InetSocketAddress("127.0.0.1", 3000), NettyTransport.EPOLL, 1,
 *     pipeline -> io.configure(pipeline));
 * }</pre>
 */
public final class BenchHttpServer implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel channel;

  private BenchHttpServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
    this.boss = boss;
    this.workers = workers;
    this.channel = channel;
  }

  /** Listens on {@code address}; each connection gets an HTTP codec, then {@code handlers}. */
  public static BenchHttpServer start(InetSocketAddress address, NettyTransport transport, int threads,
      Consumer<ChannelPipeline> handlers) {
    EventLoopGroup boss = transport.newGroup(1);
    EventLoopGroup workers = transport.newGroup(threads);
    Channel ch = new ServerBootstrap()
        .group(boss, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 8192)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel c) {
            c.pipeline().addLast("http", new HttpServerCodec());
            handlers.accept(c.pipeline());
          }
        })
        .bind(address).syncUninterruptibly().channel();
    return new BenchHttpServer(boss, workers, ch);
  }

  /** The port listened on. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Blocks until the listener closes. */
  public void awaitClose() {
    channel.closeFuture().syncUninterruptibly();
  }

  /** Closes the listening socket only (new connections are refused); open connections stay until {@link #close}. */
  public void stopAccepting() {
    channel.close().syncUninterruptibly();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
