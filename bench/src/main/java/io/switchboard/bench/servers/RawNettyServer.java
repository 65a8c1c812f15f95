package io.switchboard.bench.servers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor: a plain Netty WebSocket server that writes the same frames as a Socket.IO server for the bench contract
 * (open packet, CONNECT reply, {@code join} ack, {@code bcast} fan-out encoded once, {@code echo} ack) with no
 * Engine.IO or Socket.IO machinery behind them: no sessions, heartbeats, parser or JSON.
 *
 * <pre>{@code
 * java -jar bench/target/switchboard-bench.jar raw-server --port 3001
 * }</pre>
 *
 * <p>It understands exactly the frames the load generator sends, nothing more.
 */
public final class RawNettyServer {
  private static final AsciiString JOIN = AsciiString.of("[\"join\",\"");
  private static final AsciiString BCAST = AsciiString.of("42[\"bcast\",");
  private static final AsciiString ECHO = AsciiString.of("[\"echo\",");
  private static final byte[] ROOM_FIELD = "\"r\":\"".getBytes(StandardCharsets.US_ASCII);

  private final Map<String, List<Channel>> rooms = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** Adds the WebSocket handlers to a connection's pipeline (after the HTTP codec). */
  public void configure(ChannelPipeline p) {
    p.addLast(new HttpObjectAggregator(65536));
    p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
        .websocketPath("/socket.io/").checkStartsWith(true).build()));
    p.addLast(new Handler());
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private String sid;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
        sid = "raw" + ids.incrementAndGet();
        send(ctx, "0{\"sid\":\"" + sid + "\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
            + "\"maxPayload\":1000000}");
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof TextWebSocketFrame frame)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      try {
        onText(ctx, frame.content());
      } finally {
        frame.release();
      }
    }

    private void onText(ChannelHandlerContext ctx, ByteBuf f) {
      int n = f.readableBytes();
      int r = f.readerIndex();
      if (n == 2 && f.getByte(r) == '4' && f.getByte(r + 1) == '0') {
        send(ctx, "40{\"sid\":\"" + sid + "\"}");
      } else if (startsWith(f, BCAST)) {
        String room = roomOf(f);
        List<Channel> members = room == null ? null : rooms.get(room);
        if (members != null) {
          ByteBuf once = f.retainedDuplicate(); // the outgoing frame is byte for byte the incoming one
          try {
            for (Channel ch : members) {
              ch.writeAndFlush(new TextWebSocketFrame(once.retainedDuplicate()), ch.voidPromise());
            }
          } finally {
            once.release();
          }
        }
      } else if (n > 2 && f.getByte(r) == '4' && f.getByte(r + 1) == '2') {
        int i = r + 2;
        while (i < r + n && Character.isDigit(f.getByte(i))) {
          i++;
        }
        String id = f.toString(r + 2, i - r - 2, StandardCharsets.US_ASCII);
        ByteBuf rest = f.slice(i, r + n - i);
        if (startsWith(rest, JOIN)) {
          String room = rest.toString(rest.readerIndex() + JOIN.length(),
              rest.readableBytes() - JOIN.length() - 2, StandardCharsets.UTF_8);
          Channel ch = ctx.channel();
          rooms.computeIfAbsent(room, k -> new CopyOnWriteArrayList<>()).add(ch);
          ch.closeFuture().addListener(x -> rooms.get(room).remove(ch));
          send(ctx, "43" + id + "[\"ok\"]");
        } else if (startsWith(rest, ECHO)) {
          ByteBuf out = ctx.alloc().buffer(n + 4);
          out.writeCharSequence("43" + id + "[", StandardCharsets.US_ASCII);
          out.writeBytes(rest, rest.readerIndex() + ECHO.length(), rest.readableBytes() - ECHO.length());
          ctx.writeAndFlush(new TextWebSocketFrame(out), ctx.voidPromise());
        }
      }
    }

    private void send(ChannelHandlerContext ctx, String text) {
      ctx.writeAndFlush(new TextWebSocketFrame(ByteBufUtil.writeUtf8(ctx.alloc(), text)), ctx.voidPromise());
    }
  }

  private static boolean startsWith(ByteBuf b, AsciiString prefix) {
    if (b.readableBytes() < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b.getByte(b.readerIndex() + i) != prefix.byteAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String roomOf(ByteBuf f) {
    int at = ByteBufUtil.indexOf(f, f.readerIndex(), f.writerIndex(), ROOM_FIELD[0]);
    while (at >= 0 && at + ROOM_FIELD.length < f.writerIndex()) {
      boolean match = true;
      for (int j = 1; j < ROOM_FIELD.length && match; j++) {
        match = f.getByte(at + j) == ROOM_FIELD[j];
      }
      if (match) {
        int start = at + ROOM_FIELD.length;
        int end = ByteBufUtil.indexOf(f, start, f.writerIndex(), (byte) '"');
        return end < 0 ? null : f.toString(start, end - start, StandardCharsets.UTF_8);
      }
      at = ByteBufUtil.indexOf(f, at + 1, f.writerIndex(), ROOM_FIELD[0]);
    }
    return null;
  }

  /** Starts the server and blocks until it stops. */
  public static void main(String... argv) {
    ServerArgs args = ServerArgs.parse(argv);
    RawNettyServer raw = new RawNettyServer();
    BenchHttpServer http = BenchHttpServer.start(args.address(), args.transport(), args.threads(), raw::configure);
    System.out.println("raw netty server on " + args.host() + ":" + http.port() + " (" + args.transport().label()
        + ", " + args.threads() + " event loops)");
    Runtime.getRuntime().addShutdownHook(new Thread(http::close));
    http.awaitClose();
  }
}
