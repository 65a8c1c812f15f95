package io.switchboard.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * The Netty I/O transport a bench process uses: {@code io_uring}, {@code epoll} or {@code nio}, falling back to NIO
 * when the native library is missing.
 *
 * <pre>{@code
 * NettyTransport t = NettyTransport.pick("auto");          // epoll when its native library loads
 * EventLoopGroup group = t.newGroup(1);
 * new Bootstrap().group(group).channel(t.socketChannel());
 * }</pre>
 */
public enum NettyTransport {
  IO_URING, EPOLL, NIO;

  /** {@code auto} (epoll, else NIO), {@code epoll}, {@code io_uring} or {@code nio}; unavailable ones fall back to NIO. */
  public static NettyTransport pick(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "io_uring", "iouring" -> IoUring.isAvailable() ? IO_URING : NIO;
      case "nio" -> NIO;
      default -> Epoll.isAvailable() ? EPOLL : NIO;
    };
  }

  /** Why the native transports are unavailable, for the logs ({@code null} when epoll loads). */
  public static String epollUnavailabilityCause() {
    Throwable t = Epoll.unavailabilityCause();
    return t == null ? null : t.toString();
  }

  /** A new event loop group of {@code threads} loops on this transport. */
  public EventLoopGroup newGroup(int threads) {
    IoHandlerFactory f = switch (this) {
      case IO_URING -> IoUringIoHandler.newFactory();
      case EPOLL -> EpollIoHandler.newFactory();
      case NIO -> NioIoHandler.newFactory();
    };
    return new MultiThreadIoEventLoopGroup(threads, f);
  }

  /** The client socket channel class. */
  public Class<? extends SocketChannel> socketChannel() {
    return switch (this) {
      case IO_URING -> IoUringSocketChannel.class;
      case EPOLL -> EpollSocketChannel.class;
      case NIO -> NioSocketChannel.class;
    };
  }

  /** The server socket channel class. */
  public Class<? extends ServerChannel> serverChannel() {
    return switch (this) {
      case IO_URING -> IoUringServerSocketChannel.class;
      case EPOLL -> EpollServerSocketChannel.class;
      case NIO -> NioServerSocketChannel.class;
    };
  }

  /** The lower-case name. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
