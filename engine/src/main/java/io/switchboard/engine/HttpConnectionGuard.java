package io.switchboard.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guard of one HTTP connection: two handlers around Netty's HTTP codec that enforce the {@link HttpServerOptions}
 * on it, and step aside when the connection becomes a WebSocket.
 *
 * <pre>{@code
 * HttpConnectionGuard guard = new HttpConnectionGuard(shared, channel);
 * pipeline.addLast(HttpConnectionGuard.FRAMING, guard.framing());
 * pipeline.addLast("http", new HttpServerCodec(shared.decoderConfig));
 * pipeline.addLast(HttpConnectionGuard.STRICT, guard.strict());
 * guard.start();
 * }</pre>
 *
 * <p>{@linkplain #framing() The framing handler}, before the codec, follows the message boundaries in the raw bytes:
 * it sees when a request's first byte arrives (the request timeout starts there, so a head sent one byte at a time
 * cannot hold the connection), refuses a header line that starts with a space or tab (obs-fold, which Netty would
 * silently join to the previous line), and hands the codec one message at a time, so that nothing of a later
 * pipelined request is decoded before the earlier one has been judged. The codec stays the authority: at each
 * boundary the framing handler checks that the codec saw the same message end, and closes the connection if not.
 *
 * <p>{@linkplain #strict() The strict handler}, after the codec, answers every message the codec marked as failed
 * (400, or 414 and 431 for a request line or headers too long), a request with too many headers (431), and the
 * first request of a connection over a per-address limit (503 with {@code Retry-After}); after any of these it
 * dispatches nothing more from the connection and closes it once the answer is out. It also watches responses going
 * out, to know when a request is being held by the application (no timeout) and when the connection is idle, and
 * removes both handlers when a {@code 101 Switching Protocols} response passes.
 *
 * <p>All state is confined to the channel's event loop, apart from the per-address table it updates.
 */
final class HttpConnectionGuard implements Runnable, ChannelFutureListener {
  private static final Logger log = LoggerFactory.getLogger(HttpConnectionGuard.class);

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");

  /** The name of the framing handler, first in the pipeline. */
  static final String FRAMING = "sb.framing";
  /** The name of the strict handler, right after the HTTP codec. */
  static final String STRICT = "sb.strict";

  /** How long an answered, refused connection may stay open for its client to read the answer. */
  private static final long CLOSE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  // what the framing handler is reading
  private static final int HEAD = 0;
  private static final int FIXED_BODY = 1;
  private static final int CHUNKED_BODY = 2;
  private static final int UPGRADED = 3;
  private static final int DEAD = 4;

  // where in a request head: before the request line, in it, at the start of a header line, after a CR at the start
  // of a line, in a header line
  private static final int H_BEFORE = 0;
  private static final int H_REQUEST_LINE = 1;
  private static final int H_LINE_START = 2;
  private static final int H_CR = 3;
  private static final int H_FIELD = 4;

  // where in a chunked body: chunk-size line, chunk data, the CRLF after it, the trailer section (as in a head)
  private static final int C_SIZE = 0;
  private static final int C_DATA = 1;
  private static final int C_DATA_END = 2;
  private static final int C_LINE_START = 3;
  private static final int C_CR = 4;
  private static final int C_FIELD = 5;

  /** What a scan returns when the current message continues past the buffer. */
  private static final int MORE = -1;
  /** What a scan returns when it found a header line starting with whitespace. */
  private static final int OBS_FOLD = -2;

  private final HttpServerShared shared;
  private final Channel channel;
  private final Framing framing = new Framing();
  private final Strict strict = new Strict();
  private ChannelHandlerContext out;

  /** The admitted address to release on close, or {@code null}. */
  private IpLimiter.Key admitted;
  /** Why the first request is to be refused: 0 none, else {@link IpLimiter#acquire}'s verdict. */
  private long refusal;
  /** Whether the per-address limits were applied (at accept, or at the first request behind a trusted proxy). */
  private boolean accounted;

  private int mode = HEAD;
  private int headState = H_BEFORE;
  private int chunkState = C_SIZE;
  private long chunkLeft;
  private boolean chunkDigits;
  private long bodyLeft;

  // what the codec produced while the framing handler fed it the bytes up to a message boundary
  private boolean sawRequest;
  private boolean sawLast;
  private boolean expectChunked;
  private long expectLength;

  // requests and responses, for the timeouts and for knowing whether an error may still be answered
  private boolean receiving;
  private long receiveStart;
  private long idleSince;
  private volatile long startedAt;
  private boolean spoke; // a byte arrived: no longer a candidate for eviction (event loop only)
  private boolean currentDispatched;
  private long requests;
  private long responsesDone;
  private boolean responding;
  private boolean closingAfterAnswer;
  private long closeBy;
  private long pendingOutput = -1;

  private ScheduledFuture<?> timer;
  private long timerAt;

  HttpConnectionGuard(HttpServerShared shared, Channel channel) {
    this.shared = shared;
    this.channel = channel;
  }

  ChannelInboundHandlerAdapter framing() {
    return framing;
  }

  ChannelDuplexHandler strict() {
    return strict;
  }

  /** Applies the per-address limits unless the peer is a trusted proxy, and starts the idle timeout. */
  void start() {
    channel.closeFuture().addListener(this);
    startedAt = System.nanoTime();
    if (shared.options.maxConnections() > 0) {
      shared.silent.add(this);
    } else {
      spoke = true;
    }
    InetAddress peer = peerAddress();
    if (peer == null || shared.limiter == null && !shared.proxies.enabled()) {
      accounted = true;
    } else if (!shared.proxies.isTrusted(peer)) {
      accounted = true;
      admit(peer);
    }
    idleSince = System.nanoTime();
    ensureTimer(idleSince);
  }

  /** When {@link #start()} ran (System.nanoTime()). */
  long startedAt() {
    return startedAt;
  }

  /** Closes a connection that sent nothing, to make room for a new one when the server is full. Any thread. */
  void evict() {
    log.debug("{}: sent nothing, closed to make room", channel);
    channel.close();
  }

  private InetAddress peerAddress() {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private void admit(InetAddress client) {
    if (shared.limiter == null) {
      return;
    }
    IpLimiter.Key key = shared.limiter.key(client);
    long verdict = shared.limiter.acquire(key, System.nanoTime());
    if (verdict == 0) {
      admitted = key;
    } else {
      refusal = verdict;
      shared.refused(verdict > 0 ? shared.refusedRate : shared.refusedPerIp, client);
      log.debug("{}: refusing {} ({})", channel, client, verdict > 0 ? "connect rate" : "connections per address");
    }
  }

  /** The connection closed. */
  @Override
  public void operationComplete(ChannelFuture future) {
    mode = DEAD;
    if (!spoke) {
      spoke = true;
      shared.silent.remove(this);
    }
    cancelTimer();
    IpLimiter.Key key = admitted;
    if (key != null) {
      admitted = null;
      shared.limiter.release(key, System.nanoTime());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // timeouts

  /** Nanoseconds from {@code now} to the deadline that applies now (0 if past), or -1 when none does. */
  private long untilDeadline(long now) {
    long deadline;
    if (closingAfterAnswer) {
      deadline = closeBy;
    } else if (receiving) {
      if (shared.requestTimeoutNanos == 0) {
        return -1;
      }
      deadline = receiveStart + shared.requestTimeoutNanos;
    } else if (responding || requests > responsesDone || shared.idleTimeoutNanos == 0) {
      return -1; // the application holds a request, or is answering one
    } else {
      deadline = idleSince + shared.idleTimeoutNanos;
    }
    return Math.max(0, deadline - now);
  }

  /** Makes sure the timer fires no later than the deadline that applies now. */
  private void ensureTimer(long now) {
    long wait = untilDeadline(now);
    if (wait < 0 || mode == UPGRADED) {
      return;
    }
    long at = now + wait;
    if (timer != null) {
      if (at - timerAt >= 0) {
        return; // it fires earlier and will look again
      }
      timer.cancel(false);
    }
    timerAt = at;
    timer = channel.eventLoop().schedule(this, wait, TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The timer fired. */
  @Override
  public void run() {
    timer = null;
    if (mode == UPGRADED || !channel.isOpen()) {
      return;
    }
    long now = System.nanoTime();
    long wait = untilDeadline(now);
    if (wait < 0) {
      return;
    }
    if (wait > 0) {
      ensureTimer(now);
      return;
    }
    if (closingAfterAnswer) {
      channel.close();
    } else if (receiving) {
      shared.requestTimeouts.increment();
      log.debug("{}: request not complete within {}", channel, shared.options.requestTimeout());
      refuse(HttpResponseStatus.REQUEST_TIMEOUT, 0);
    } else if (drainingOutput()) {
      idleSince = now;
      ensureTimer(now);
    } else {
      shared.idleTimeouts.increment();
      log.debug("{}: idle for {}", channel, shared.options.idleTimeout());
      channel.close();
    }
  }

  /** Whether a response is still going out to a client that reads it (a client that stopped reading is idle). */
  private boolean drainingOutput() {
    ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
    long pending = buffer == null ? 0 : buffer.totalPendingWriteBytes();
    boolean progress = pending > 0 && pending != pendingOutput;
    pendingOutput = pending;
    return progress;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // refusing

  /**
   * Stops dispatching anything from this connection, answers {@code status} if the answer cannot be mistaken for the
   * answer to an earlier request, and closes the connection once the answer is out.
   */
  private void refuse(HttpResponseStatus status, long retryAfterSeconds) {
    if (mode == DEAD) {
      return;
    }
    mode = DEAD;
    receiving = false;
    long earlier = requests - (currentDispatched ? 1 : 0);
    if (responding || responsesDone != earlier || out == null || !channel.isActive()) {
      channel.close(); // an earlier request, or this one, is being answered: a second answer would be misread
      return;
    }
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(status.reasonPhrase(), CharsetUtil.US_ASCII));
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
        .set(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (retryAfterSeconds > 0) {
      res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    }
    long now = System.nanoTime();
    closingAfterAnswer = true;
    closeBy = now + CLOSE_GRACE_NANOS;
    ensureTimer(now);
    // written below the strict handler, so straight into the codec's encoder; then half-close, so that the client
    // reads the answer before the connection is gone, and the rest is closed when the client closes or by closeBy
    out.writeAndFlush(res).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess() && f.channel() instanceof DuplexChannel duplex) {
        duplex.shutdownOutput();
      } else {
        f.channel().close();
      }
    });
  }

  private void refuseMalformed(HttpObject msg, Throwable cause) {
    boolean head = msg instanceof HttpRequest;
    if (head && cause instanceof TooLongHttpLineException) {
      shared.uriTooLong.increment();
      log.debug("{}: request line too long", channel);
      refuse(HttpResponseStatus.REQUEST_URI_TOO_LONG, 0);
    } else if (head && cause instanceof TooLongHttpHeaderException) {
      shared.headersTooLarge.increment();
      log.debug("{}: headers too large", channel);
      refuse(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, 0);
    } else {
      shared.badRequests.increment();
      log.debug("{}: bad request: {}", channel, String.valueOf(cause));
      refuse(HttpResponseStatus.BAD_REQUEST, 0);
    }
  }

  private void badRequest(String why) {
    shared.badRequests.increment();
    log.debug("{}: bad request: {}", channel, why);
    refuse(HttpResponseStatus.BAD_REQUEST, 0);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // upgrade

  private void upgraded(ChannelPipeline pipeline) {
    mode = UPGRADED;
    receiving = false;
    cancelTimer();
    // nothing of this guard is needed any more but the release of the address: hand it to a listener of its own, so
    // that a long-lived WebSocket does not keep the guard alive
    channel.closeFuture().removeListener(this);
    if (admitted != null) {
      channel.closeFuture().addListener(new Release(shared.limiter, admitted));
      admitted = null;
    }
    // the WebSocket handshake put its decoder right after the framing handler: from now on bytes go there untouched
    if (pipeline.context(framing) != null) {
      pipeline.remove(framing);
    }
    if (pipeline.context(strict) != null) {
      pipeline.remove(strict);
    }
    HttpPhaseHandler.removeAll(pipeline); // also done by the upgrading handler: a no-op then
  }

  /** Releases an admitted address when its upgraded connection closes. */
  private record Release(IpLimiter limiter, IpLimiter.Key key) implements ChannelFutureListener {
    @Override
    public void operationComplete(ChannelFuture future) {
      limiter.release(key, System.nanoTime());
    }
  }

  private void handleException(ChannelHandlerContext ctx, Throwable cause, String where) {
    if (HttpServerShared.isFatal(cause)) {
      shared.fatal(where + " on " + ctx.channel(), cause);
      ctx.close();
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the framing handler

  /** Before the codec: feeds it one message at a time, starting the request timeout and refusing obs-fold. */
  private final class Framing extends ChannelInboundHandlerAdapter {
    private final ChunkScanner chunkScanner = new ChunkScanner();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf in)) {
        ctx.fireChannelRead(msg);
        return;
      }
      if (!spoke) {
        spoke = true;
        shared.silent.remove(HttpConnectionGuard.this);
      }
      while (true) {
        if (mode == DEAD || !in.isReadable() || !ctx.channel().isOpen()) {
          in.release();
          return;
        }
        if (mode == UPGRADED) {
          ctx.fireChannelRead(in); // bytes that followed the upgrade request: the new protocol's
          return;
        }
        int from = in.readerIndex();
        int end = scan(in);
        if (end == OBS_FOLD) {
          in.release();
          badRequest("a header line starts with whitespace (obs-fold)");
          return;
        }
        if (end == MORE || end == in.writerIndex()) {
          ctx.fireChannelRead(in);
          if (end != MORE) {
            messageEnded();
          }
          return;
        }
        ByteBuf part = in.retainedSlice(from, end - from);
        in.readerIndex(end);
        ctx.fireChannelRead(part);
        messageEnded();
      }
    }

    /**
     * Follows the bytes of {@code in} from its reader index, without consuming them: the index just past the end of
     * the current part (a request head, or a body), {@link #MORE} when the part goes on past the buffer, or
     * {@link #OBS_FOLD}.
     */
    private int scan(ByteBuf in) {
      int from = in.readerIndex();
      int to = in.writerIndex();
      switch (mode) {
        case HEAD -> {
          return scanHead(in, from, to);
        }
        case FIXED_BODY -> {
          long n = Math.min(bodyLeft, to - from);
          bodyLeft -= n;
          return bodyLeft == 0 ? from + (int) n : MORE;
        }
        default -> {
          int i = from;
          while (i < to) {
            if (chunkState == C_DATA) {
              long n = Math.min(chunkLeft, to - i);
              chunkLeft -= n;
              i += (int) n;
              if (chunkLeft == 0) {
                chunkState = C_DATA_END;
              }
              continue;
            }
            int at = in.forEachByte(i, to - i, chunkScanner);
            if (at < 0) {
              return MORE;
            }
            if (chunkScanner.fold) {
              return OBS_FOLD;
            }
            if (chunkScanner.ended) {
              chunkScanner.ended = false;
              return at + 1;
            }
            i = at + 1; // now in chunk data
          }
          return MORE;
        }
      }
    }

    /** {@link #scan} of a request head: line by line, looking at the first bytes of each header line only. */
    private int scanHead(ByteBuf in, int from, int to) {
      int i = from;
      while (i < to) {
        switch (headState) {
          case H_BEFORE -> {
            // like the codec, skip control characters and whitespace before the request line; the request (and
            // its timeout) starts at its first other byte
            byte b = in.getByte(i++);
            if ((b & 0xFF) > 0x20 && b != 0x7F) {
              headState = H_REQUEST_LINE;
              startRequest();
            }
          }
          case H_REQUEST_LINE, H_FIELD -> {
            int lf = in.indexOf(i, to, (byte) '\n');
            if (lf < 0) {
              return MORE;
            }
            i = lf + 1;
            headState = H_LINE_START;
          }
          case H_LINE_START -> {
            byte b = in.getByte(i++);
            if (b == ' ' || b == '\t') {
              return OBS_FOLD;
            }
            if (b == '\n') {
              headState = H_BEFORE;
              return i;
            }
            headState = b == '\r' ? H_CR : H_FIELD;
          }
          default -> { // H_CR: a line that so far is a CR, the end of the head if a LF follows
            byte b = in.getByte(i++);
            if (b == '\n') {
              headState = H_BEFORE;
              return i;
            }
            headState = H_FIELD;
          }
        }
      }
      return MORE;
    }

    private void startRequest() {
      receiving = true;
      receiveStart = System.nanoTime();
      sawRequest = false;
      sawLast = false;
      ensureTimer(receiveStart);
    }

    /** The codec was just fed the last byte of a head or a body: check it saw the same, and go on from there. */
    private void messageEnded() {
      if (mode == DEAD || mode == UPGRADED) {
        return;
      }
      if (sawLast) {
        mode = HEAD;
      } else if (mode == HEAD && sawRequest && expectChunked) {
        mode = CHUNKED_BODY;
        chunkState = C_SIZE;
        chunkLeft = 0;
        chunkDigits = true;
      } else if (mode == HEAD && sawRequest && expectLength > 0) {
        mode = FIXED_BODY;
        bodyLeft = expectLength;
      } else {
        badRequest("message boundaries differ from the codec's");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      handleException(ctx, cause, "reading");
    }
  }

  /** Follows the framing of a chunked body; stops on entering chunk data, at the body's last byte, or at obs-fold. */
  private final class ChunkScanner implements ByteProcessor {
    boolean ended;
    boolean fold;

    @Override
    public boolean process(byte b) {
      switch (chunkState) {
        case C_SIZE -> {
          if (b == '\n') {
            if (chunkLeft == 0) {
              chunkState = C_LINE_START;
              return true;
            }
            chunkState = C_DATA;
            return false;
          }
          int digit = Character.digit(b, 16);
          if (chunkDigits && digit >= 0 && b >= 0) {
            // saturate: the codec refuses sizes this large anyway
            chunkLeft = chunkLeft > (Long.MAX_VALUE >> 4) ? Long.MAX_VALUE : chunkLeft * 16 + digit;
          } else {
            chunkDigits = false; // an extension, or whitespace: the size is over
          }
        }
        case C_DATA_END -> {
          if (b == '\n') {
            chunkState = C_SIZE;
            chunkLeft = 0;
            chunkDigits = true;
          }
        }
        case C_LINE_START -> {
          if (b == ' ' || b == '\t') {
            fold = true;
            return false;
          }
          if (b == '\n') {
            ended = true;
            return false;
          }
          chunkState = b == '\r' ? C_CR : C_FIELD;
        }
        case C_CR -> {
          if (b == '\n') {
            ended = true;
            return false;
          }
          chunkState = C_FIELD;
        }
        default -> { // C_FIELD
          if (b == '\n') {
            chunkState = C_LINE_START;
          }
        }
      }
      return true;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // the strict handler

  /** After the codec: refuses what the codec flagged and what is over a limit, and watches responses go out. */
  private final class Strict extends ChannelDuplexHandler {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      out = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (mode == DEAD) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!(msg instanceof HttpObject obj)) {
        ctx.fireChannelRead(msg);
        return;
      }
      DecoderResult result = obj.decoderResult();
      if (result.isFailure()) {
        ReferenceCountUtil.release(msg);
        refuseMalformed(obj, result.cause());
        return;
      }
      if (msg instanceof HttpRequest req && !onRequest(req)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof LastHttpContent) {
        sawLast = true;
        receiving = false;
        currentDispatched = false;
        idleSince = System.nanoTime();
      }
      ctx.fireChannelRead(msg);
    }

    /** Whether this request may be dispatched; if not, it has been refused. */
    private boolean onRequest(HttpRequest req) {
      if (!accounted) {
        accounted = true;
        InetAddress peer = peerAddress();
        InetAddress client = shared.proxies.client(peer, req.headers().getAll(X_FORWARDED_FOR));
        if (client != null && !client.equals(peer)) { // only behind a trusted proxy: no attribute otherwise
          channel.attr(HttpServer.CLIENT_ADDRESS).set(client);
        }
        admit(client);
      }
      if (refusal != 0) {
        refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, Math.abs(refusal));
        return false;
      }
      int maxHeaders = shared.options.maxHeaderCount();
      if (maxHeaders > 0 && req.headers().size() > maxHeaders) {
        shared.headersTooLarge.increment();
        log.debug("{}: {} header fields", channel, req.headers().size());
        refuse(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, 0);
        return false;
      }
      requests++;
      currentDispatched = true;
      sawRequest = true;
      expectChunked = HttpUtil.isTransferEncodingChunked(req);
      expectLength = HttpUtil.getContentLength(req, -1L);
      return true;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse res) {
        int code = res.status().code();
        if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
          ctx.write(msg, promise);
          upgraded(ctx.pipeline());
          return;
        }
        if (code >= 200) {
          responding = true;
        }
      }
      if (responding && msg instanceof LastHttpContent) {
        responding = false;
        responsesDone++;
        long now = System.nanoTime();
        idleSince = now;
        pendingOutput = -1;
        ctx.write(msg, promise);
        ensureTimer(now);
        return;
      }
      ctx.write(msg, promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      handleException(ctx, cause, "decoding");
    }
  }
}
