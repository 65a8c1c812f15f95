package io.switchboard.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.switchboard.bench.NettyTransport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Opens many bench clients to one server (or two, alternately, for the cluster scenario), a bounded number at a time,
 * spread over several 127.0.0.x source addresses (one address gives about 28,000 ephemeral ports).
 *
 * <pre>{@code
 * try (ClientPool pool = new ClientPool(options)) {
 *   List<BenchClient> clients = pool.connect(1000, i -> listener);
 * }
 * }</pre>
 */
final class ClientPool implements AutoCloseable {
  private final LoadOptions options;
  private final NettyTransport transport;
  private final EventLoopGroup group;
  private final List<BenchClient> all = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger failures = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
  private final WireStats wire = new WireStats();

  ClientPool(LoadOptions options) {
    this.options = options;
    this.transport = NettyTransport.pick("auto");
    this.group = transport.newGroup(options.threads());
  }

  /** The transport the clients use. */
  NettyTransport transport() {
    return transport;
  }

  /** What the clients received on the wire (counted only with {@link LoadOptions#deflate()}). */
  WireStats wire() {
    return wire;
  }

  /** Connection attempts that failed or were refused so far. */
  int failures() {
    return failures.get();
  }

  /** A few of the errors seen, for the results. */
  List<String> sampleErrors() {
    List<String> out = new ArrayList<>();
    for (String e : errors) {
      if (out.size() == 3) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * Connects {@code n} clients, at most {@link LoadOptions#concurrency()} at a time, and waits until each is connected
   * or failed (bounded by {@link LoadOptions#connectTimeout()}). Returns the connected ones.
   *
   * @param receiveBuffer SO_RCVBUF for these clients, or 0 for the system default
   */
  List<BenchClient> connect(int n, IntFunction<ClientListener> listeners, int receiveBuffer) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(n);
    List<BenchClient> connected = Collections.synchronizedList(new ArrayList<>(n));
    AtomicInteger next = new AtomicInteger();
    List<InetSocketAddress> servers = new ArrayList<>();
    servers.add(new InetSocketAddress(options.host(), options.port()));
    if (options.port2() > 0) {
      servers.add(new InetSocketAddress(options.host(), options.port2()));
    }
    for (int p : options.morePorts()) {
      servers.add(new InetSocketAddress(options.host(), p));
    }
    Runnable[] startNext = new Runnable[1];
    startNext[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= n) {
        return;
      }
      ClientListener user = listeners.apply(i);
      BenchClient.Kind kind = BenchClient.Kind.of(options.scenario(), i);
      BenchClient client = new BenchClient(i, kind, new ClientListener() {
        private boolean counted;

        @Override
        public void onConnected(BenchClient c) {
          counted = true;
          connected.add(c);
          done.countDown();
          startNext[0].run();
          user.onConnected(c);
        }

        @Override
        public void onEvent(BenchClient c, ByteBuf frame) {
          user.onEvent(c, frame);
        }

        @Override
        public void onAck(BenchClient c, long id, ByteBuf frame) {
          user.onAck(c, id, frame);
        }

        @Override
        public void onClosed(BenchClient c, Throwable cause) {
          if (!counted) {
            counted = true;
            failures.incrementAndGet();
            if (errors.size() < 10) {
              errors.add(String.valueOf(cause));
            }
            done.countDown();
            startNext[0].run();
          }
          user.onClosed(c, cause);
        }
      });
      all.add(client);
      InetSocketAddress server = servers.get(i % servers.size()); // with two servers, odd clients use the second
      String hostPort = options.host() + ":" + server.getPort();
      String target = client.target(options.path(), Room.NAME);
      client.sseTarget(target);
      Bootstrap b = new Bootstrap()
          .group(group)
          .channel(transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              if (options.deflate()) {
                ch.pipeline().addLast("wire", wire);
              }
              if (kind != BenchClient.Kind.SSE) {
                WireStats stats = options.deflate() ? wire : null;
                ch.pipeline().addLast("upgrade", new WebSocketUpgrade(hostPort, target, stats));
              }
              ch.pipeline().addLast("client", client);
            }
          });
      if (receiveBuffer > 0) {
        b.option(ChannelOption.SO_RCVBUF, receiveBuffer);
      }
      InetSocketAddress local = new InetSocketAddress("127.0.0." + (options.sourceBase() + i % options.sources()), 0);
      ChannelFuture f = b.connect(server, local);
      f.addListener(r -> {
        if (!r.isSuccess()) {
          client.connectFailed(r.cause());
        }
      });
    };
    for (int k = 0; k < Math.min(n, options.concurrency()); k++) {
      startNext[0].run();
    }
    if (!done.await(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
      errors.add("connect timed out with " + done.getCount() + " clients pending");
    }
    synchronized (connected) {
      return new ArrayList<>(connected);
    }
  }

  @Override
  public void close() {
    List<BenchClient> copy;
    synchronized (all) {
      copy = new ArrayList<>(all);
    }
    for (BenchClient c : copy) {
      Channel ch = c.channel();
      if (ch != null) {
        ch.close();
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
