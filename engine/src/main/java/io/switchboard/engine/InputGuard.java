package io.switchboard.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input limits of one WebSocket connection, enforced on the raw bytes before Netty's frame decoder buffers them.
 * It follows the frame headers (FIN, opcode, length, mask) as the bytes pass, and refuses:
 *
 * <ul>
 *   <li>more than {@link EngineOptions#untrustedInputLimit()} bytes (headers included) before the session is trusted,
 *       or a frame whose declared length would pass that limit (close 1009, and the session ends);
 *   <li>a message that would outgrow {@link EngineOptions#maxHttpBufferSize()}, from the header that announces it
 *       (close 1009);
 *   <li>the bytes of an unfinished message when {@link EngineServer#inputBudget()} cannot hold them (close 1013);
 *   <li>more than {@link EngineOptions#maxFragmentsPerMessage()} continuation frames in a message, or more than
 *       {@link EngineOptions#maxFramesPerSecond()} frames a second (close 1008);
 *   <li>a close frame with an invalid status code (1002) or a reason that is not UTF-8 (1007), which Netty's decoder
 *       would answer by dropping the connection without a close frame.
 * </ul>
 *
 * <p>Whatever breaks RFC 6455 otherwise (unmasked frames, reserved bits or opcodes, fragmented or oversized control
 * frames, a stray continuation) is left to Netty's decoder, which answers 1002: from such a frame on, the bytes pass
 * untouched. The payload of a message being assembled (the frame held by the decoder plus the fragments held by the
 * aggregator) is reserved from the budget as it arrives and released once the message is complete (before it is
 * passed on, so that a handler that keeps it reserves it alone) or the connection ends. Bytes that arrive with a
 * complete message in one read are not reserved: they are in memory already, once.
 *
 * <p>Assumes that no WebSocket extension is negotiated (Engine.IO offers none).
 *
 * <p>Outside the Engine.IO endpoint (the plain WebSocket endpoint of {@code io.switchboard.engine.ws}), a guard is
 * built with the public constructor and goes right before Netty's frame decoder; it has no untrusted limit there (the
 * request was authenticated before the upgrade) and tells its {@link Listener} of a broken limit:
 *
 * <pre>{@code
 * InputGuard guard = new InputGuard(maxMessage, maxFragments, maxFramesPerSecond, budget,
 *     (status, reason) -> sendCloseAndLinger(status, reason));     // 1009, 1013, 1008, 1002 or 1007
 * pipeline.addBefore("wsdecoder", "wsInput", guard);
 * }</pre>
 */
public final class InputGuard extends ChannelDuplexHandler {
  /** Told once, on the channel's event loop, that the input broke a limit; the rest of the input is dropped. */
  @FunctionalInterface
  public interface Listener {
    /**
     * The connection must send a close frame with this status and reason, and close.
     *
     * @param status 1009 (message too big), 1013 (server input budget exhausted), 1008 (too many fragments or
     *               frames a second), 1002 (invalid close code) or 1007 (close reason not UTF-8)
     * @param reason the reason to put in the close frame, a short English phrase
     */
    void refused(WebSocketCloseStatus status, String reason);
  }

  private static final Logger log = LoggerFactory.getLogger(InputGuard.class);
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
  /**
   * Netty's frame encoder, used as a function (it holds no state of a connection): on an Engine.IO connection the
   * guard encodes the few frame objects written (pong, close, the decoder's own close on a protocol error), so that
   * no encoder stays in each pipeline for them; everything else is written as ready frame bytes.
   */
  private static final WebSocket13FrameEncoder FRAME_ENCODER = new WebSocket13FrameEncoder(false);

  private enum Phase {
    /** Reading a frame header. */
    HEADER,
    /** Reading a frame payload. */
    PAYLOAD,
    /** A protocol error or the client's close frame: Netty's decoder takes it from here. */
    PASS,
    /** Refused: everything that still arrives is dropped. */
    REFUSED
  }

  /** A broken limit: the close frame it gets and what the session's listener is told. */
  enum Verdict {
    UNTRUSTED(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too big", Refusal.UNTRUSTED_INPUT_LIMIT,
        "untrusted input limit exceeded"),
    BUSY(WebSocketCloseStatus.TRY_AGAIN_LATER, "try again later", Refusal.INPUT_BUDGET,
        "server input budget exhausted"),
    TOO_BIG(WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too big", Refusal.MESSAGE_TOO_BIG, "message too big"),
    FRAGMENTS(WebSocketCloseStatus.POLICY_VIOLATION, "too many fragments", Refusal.TOO_MANY_FRAGMENTS,
        "too many fragments in one message"),
    FRAME_RATE(WebSocketCloseStatus.POLICY_VIOLATION, "too many frames", Refusal.FRAME_RATE,
        "too many frames per second"),
    CLOSE_CODE(WebSocketCloseStatus.PROTOCOL_ERROR, "invalid close code", Refusal.INVALID_CLOSE_FRAME,
        "invalid close code"),
    CLOSE_REASON(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "invalid close reason", Refusal.INVALID_CLOSE_FRAME,
        "invalid UTF-8 in close reason"),
    RESERVED_BITS(WebSocketCloseStatus.PROTOCOL_ERROR, "invalid reserved bits", Refusal.PROTOCOL_ERROR,
        "reserved bits not allowed by the negotiated extension");

    final WebSocketCloseStatus status;
    final String reason;
    final Refusal refusal;
    final String description;

    Verdict(WebSocketCloseStatus status, String reason, Refusal refusal, String description) {
      this.status = status;
      this.reason = reason;
      this.refusal = refusal;
      this.description = description;
    }
  }

  /**
   * The limits a guard enforces, shared by the guards of one endpoint (an idle connection should not hold its own copy).
   */
  record Limits(InputBudget budget, long maxMessage, int maxFragments, int maxFramesPerSecond, long untrustedLimit) {
    /** The limits of an Engine.IO server's WebSocket connections. */
    static Limits of(EngineServer server) {
      EngineOptions options = server.options();
      return new Limits(server.inputBudget(), options.maxHttpBufferSize(), options.maxFragmentsPerMessage(),
          options.maxFramesPerSecond(), options.untrustedInputLimit());
    }
  }

  /** The Engine.IO server and transport, or {@code null} for a guard built with the public constructor. */
  private final EngineServer server;
  private final WebSocketTransport transport;
  private final Listener listener;
  private final Limits limits;
  /** Whether {@code permessage-deflate} was negotiated: RSV1 is then allowed on the first frame of a message. */
  private final boolean deflate;

  private Phase phase = Phase.HEADER;
  // the frame being read
  /** The header's first two bytes, the first in the low byte. */
  private int lead;
  private int headerLength;
  private int headerNeeded = 2;
  private boolean fin;
  private int opcode;
  private int mask;
  private long remaining;
  private byte[] closePayload;
  private int closeLength;
  /** Where the frame being read began in the current buffer (its start if the frame began in an earlier one). */
  private int frameStart;
  // the message being assembled
  private boolean inMessage;
  private int fragments;
  private long messageBytes;
  private long reserved;
  // frames per second, in fixed one-second windows
  private long windowStart = System.nanoTime();
  private int framesInWindow;
  /** Raw bytes received before the session was known, charged to it later. */
  private long pendingUntrusted;

  InputGuard(EngineServer server, WebSocketTransport transport) {
    this(server, transport, false);
  }

  InputGuard(EngineServer server, WebSocketTransport transport, boolean deflate) {
    this.deflate = deflate;
    this.server = server;
    this.limits = server.inputGuardLimits();
    this.transport = transport;
    this.listener = null;
  }

  /**
   * A guard for a WebSocket connection outside Engine.IO.
   *
   * @param maxMessage         the largest message (all its fragments together), in payload bytes
   * @param maxFragments       the most continuation frames in one message
   * @param maxFramesPerSecond the most frames a second, 0 for no limit
   * @param budget             the server-wide budget of unfinished input the messages being assembled reserve from
   * @param listener           told of a broken limit
   */
  public InputGuard(long maxMessage, int maxFragments, int maxFramesPerSecond, InputBudget budget,
      Listener listener) {
    if (maxMessage <= 0 || maxFragments < 0 || maxFramesPerSecond < 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    this.deflate = false; // the plain endpoint negotiates no extension
    this.server = null;
    this.transport = null;
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
    this.limits = new Limits(java.util.Objects.requireNonNull(budget, "budget"), maxMessage, maxFragments,
        maxFramesPerSecond, Long.MAX_VALUE);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf) || phase == Phase.PASS) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (phase == Phase.REFUSED) {
      buf.release();
      return;
    }
    int start = buf.readerIndex();
    int end = buf.writerIndex();
    long allowance = chargeUntrusted(end - start);
    if (allowance < 0) {
      refuse(ctx, buf, start, Verdict.UNTRUSTED);
      return;
    }
    if (limits.maxFramesPerSecond > 0) {
      long now = System.nanoTime();
      if (now - windowStart >= SECOND_NANOS) {
        windowStart = now;
        framesInWindow = 0;
      }
    }
    Verdict verdict = scan(buf, start, end, allowance);
    if (verdict != null) {
      refuse(ctx, buf, frameStart, verdict);
      return;
    }
    // settle the reservation before passing the bytes on: a message completed here reaches the session within
    // fireChannelRead, and whoever keeps it longer (a packet awaiting attachments) reserves it again there; held by
    // both at once, it would count twice and could be refused although it fits
    long unfinished = phase == Phase.PASS ? 0 : messageBytes;
    if (unfinished > reserved) {
      if (!limits.budget.tryReserve(unfinished - reserved)) {
        refuse(ctx, buf, start, Verdict.BUSY);
        return;
      }
    } else if (unfinished < reserved) {
      limits.budget.release(reserved - unfinished);
    }
    reserved = unfinished;
    ctx.fireChannelRead(buf);
  }

  /** On an Engine.IO connection, where the handshake's frame encoder is gone: encodes frame objects. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (server != null && msg instanceof WebSocketFrame) {
      FRAME_ENCODER.write(ctx, msg, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseReservation();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseReservation();
  }

  /** Follows the frames in {@code [start, end)}; returns the limit they break, or {@code null}. */
  private Verdict scan(ByteBuf buf, int start, int end, long allowance) {
    frameStart = start;
    int i = start;
    while (i < end) {
      if (phase == Phase.HEADER) {
        if (headerLength == 0) {
          frameStart = i;
        }
        int b = buf.getByte(i++) & 0xFF;
        int k = headerLength++;
        if (k == 0) {
          lead = b;
        } else if (k == 1) {
          lead |= b << 8;
          if (deflate && !reservedBitsAllowed()) {
            return Verdict.RESERVED_BITS;
          }
          if (!startHeader()) {
            phase = Phase.PASS;
            return null;
          }
          remaining = 0; // the extended length, if any, gathers here
          mask = 0;
        } else if (k < headerNeeded - 4) {
          remaining = (remaining << 8) | b;
        } else {
          mask = (mask << 8) | b;
        }
        if (headerLength == headerNeeded) {
          Verdict v = endHeader(end - i, allowance);
          if (v != null || phase == Phase.PASS) {
            return v;
          }
          if (remaining == 0) {
            v = endFrame();
            if (v != null || phase == Phase.PASS) {
              return v;
            }
          }
        }
      } else if (phase == Phase.PAYLOAD) {
        int n = (int) Math.min(remaining, end - i);
        if (opcode == OP_CLOSE) {
          collectClosePayload(buf, i, n);
        } else if (opcode <= OP_BINARY) {
          messageBytes += n;
        }
        i += n;
        remaining -= n;
        if (remaining == 0) {
          Verdict v = endFrame();
          if (v != null || phase == Phase.PASS) {
            return v;
          }
        }
      } else {
        return null;
      }
    }
    return null;
  }

  /**
   * Reads the first two header bytes; false if the frame breaks RFC 6455 in a way Netty's decoder refuses with 1002
   * (checked in the decoder's order, and never something the decoder accepts).
   */
  private boolean startHeader() {
    int b0 = lead & 0xFF;
    int b1 = lead >>> 8;
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    int len7 = b1 & 0x7F;
    if (((b0 & 0x70) != 0 && !deflate) || (b1 & 0x80) == 0) {
      return false; // reserved bits without an extension, or a client frame without a mask
    }
    if (opcode >= OP_CLOSE) {
      if (!fin || len7 > MAX_CONTROL_PAYLOAD || (opcode != OP_CLOSE && opcode != OP_PING && opcode != OP_PONG)
          || (opcode == OP_CLOSE && len7 == 1)) {
        return false;
      }
    } else if (opcode > OP_BINARY || (opcode == OP_CONTINUATION) != inMessage) {
      return false; // a reserved opcode, a stray continuation, or a new message inside a fragmented one
    }
    headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
    return true;
  }

  /** With {@code permessage-deflate}: RSV1 alone, on a text or binary frame (the first of its message), or none. */
  private boolean reservedBitsAllowed() {
    int rsv = lead & 0x70;
    int op = lead & 0x0F;
    return rsv == 0 || (rsv == 0x40 && (op == 0x1 || op == OP_BINARY));
  }

  /** The header is complete: checks the limits against the declared length. */
  private Verdict endHeader(int leftInBuffer, long allowance) {
    int len7 = (lead >>> 8) & 0x7F;
    long length;
    if (len7 == 126) {
      length = remaining;
      if (length < 126) {
        phase = Phase.PASS; // not the minimal encoding
        return null;
      }
    } else if (len7 == 127) {
      length = remaining;
      if (length < 65536) {
        phase = Phase.PASS; // not the minimal encoding, or negative
        return null;
      }
    } else {
      length = len7;
    }
    headerLength = 0;
    headerNeeded = 2;
    if (limits.maxFramesPerSecond > 0 && ++framesInWindow > limits.maxFramesPerSecond) {
      return Verdict.FRAME_RATE;
    }
    if (opcode <= OP_BINARY) {
      if (opcode == OP_CONTINUATION) {
        if (++fragments > limits.maxFragments) {
          return Verdict.FRAGMENTS;
        }
      } else {
        fragments = 0;
        messageBytes = 0;
      }
      if (length > limits.maxMessage - messageBytes) {
        return Verdict.TOO_BIG;
      }
    } else if (opcode == OP_CLOSE) {
      if (closePayload == null) {
        closePayload = new byte[MAX_CONTROL_PAYLOAD];
      }
      closeLength = 0;
    }
    if (length - leftInBuffer > allowance) {
      return Verdict.UNTRUSTED; // the frame would pass the untrusted limit: refuse it before it arrives
    }
    remaining = length;
    phase = Phase.PAYLOAD;
    return null;
  }

  /** The frame's payload is complete. */
  private Verdict endFrame() {
    phase = Phase.HEADER;
    if (opcode == OP_CLOSE) {
      Verdict v = checkClosePayload();
      if (v == null) {
        phase = Phase.PASS; // the transport answers the close; nothing after it is read
      }
      return v;
    }
    if (opcode <= OP_BINARY) {
      if (fin) {
        inMessage = false;
        fragments = 0;
        messageBytes = 0;
      } else {
        inMessage = true;
      }
    }
    return null;
  }

  private void collectClosePayload(ByteBuf buf, int index, int n) {
    for (int k = 0; k < n; k++) {
      int shift = 24 - 8 * (closeLength & 3);
      closePayload[closeLength++] = (byte) (buf.getByte(index + k) ^ (mask >>> shift));
    }
  }

  private Verdict checkClosePayload() {
    if (closeLength == 0) {
      return null; // no status code: a valid close
    }
    int code = ((closePayload[0] & 0xFF) << 8) | (closePayload[1] & 0xFF);
    if (!isValidCloseCode(code)) {
      return Verdict.CLOSE_CODE;
    }
    if (closeLength > 2
        && !ByteBufUtil.isText(Unpooled.wrappedBuffer(closePayload, 2, closeLength - 2), StandardCharsets.UTF_8)) {
      return Verdict.CLOSE_REASON;
    }
    return null;
  }

  /**
   * Whether a client may send this status code (RFC 6455 7.4): the registered codes other than those that must
   * never be sent (1004, 1005, 1006, 1015), and the private range 3000 to 4999.
   */
  static boolean isValidCloseCode(int code) {
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006)
        || (code >= 3000 && code <= 4999);
  }

  /** Counts raw bytes against the untrusted limit; returns how many more may come (negative once over). */
  private long chargeUntrusted(int bytes) {
    if (limits.untrustedLimit == Long.MAX_VALUE || transport == null) {
      return Long.MAX_VALUE;
    }
    EngineSession session = transport.session();
    if (session == null) {
      pendingUntrusted += bytes;
      return limits.untrustedLimit - pendingUntrusted;
    }
    long charge = bytes + pendingUntrusted;
    pendingUntrusted = 0;
    return session.chargeUntrusted(charge);
  }

  /** Passes on the complete frames before {@code cut}, drops the rest and closes the connection. */
  private void refuse(ChannelHandlerContext ctx, ByteBuf buf, int cut, Verdict verdict) {
    int start = buf.readerIndex();
    phase = Phase.REFUSED;
    releaseReservation();
    if (server != null) {
      server.count(verdict.refusal, ctx.channel().remoteAddress());
      EngineSession session = transport.session();
      log.debug("session {}: {} on {}", session == null ? null : session.id(), verdict.description, ctx.channel());
    } else {
      log.debug("{} on {}", verdict.description, ctx.channel());
    }
    try {
      if (cut > start) {
        ctx.fireChannelRead(buf.retainedSlice(start, cut - start));
      }
    } finally {
      buf.release();
    }
    if (transport != null) {
      transport.refuse(verdict.status, verdict.reason, verdict.description, verdict == Verdict.UNTRUSTED);
    } else {
      listener.refused(verdict.status, verdict.reason);
    }
  }

  private void releaseReservation() {
    if (reserved > 0) {
      limits.budget.release(reserved);
      reserved = 0;
    }
  }
}
