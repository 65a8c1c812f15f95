package io.switchboard.bench.attack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ws-burst}: WebSocket upgrade requests as fast as the concurrency allows, each answer put in one class:
 * {@code 101_open} (upgraded, no close frame within the close wait), {@code 101_close_<code>} (upgraded, then a close
 * frame such as 1013), {@code 101_eof}/{@code 101_reset} (upgraded, then the TCP connection ended), {@code http_<status>}
 * (refused, e.g. 503, with its {@code Retry-After} counted), {@code eof}/{@code reset} (closed without an answer),
 * {@code timeout} (no answer in time). Connections that stay open are kept (answering the server's pings) until the
 * end of the run; a later close of one is counted in {@code closed_later}.
 *
 * <pre>{@code
 * ObjectNode r = new WsBurstAttack(AttackOptions.parse("ws-burst", "--count", "5000")).run();
 * r.path("classes").path("http_503").asInt();
 * }</pre>
 */
final class WsBurstAttack extends Attack {
  private final byte[] upgrade;
  private final long closeWait;
  private final long answerTimeout;
  private final Map<String, Integer> classes = new TreeMap<>();
  private final Map<String, Integer> retryAfter = new TreeMap<>();
  private final Map<String, Integer> closedLater = new TreeMap<>();
  private final List<Long> answerTimes = new ArrayList<>();
  private int openPackets;
  private long lastAnswer = -1;
  private int stillOpen;
  private long pingsAnswered;

  WsBurstAttack(AttackOptions options) {
    super(options);
    this.upgrade = Requests.upgrade(options.webSocketTarget(), options.hostHeader());
    this.closeWait = options.closeWait().toNanos();
    this.answerTimeout = options.answerTimeout().toNanos();
  }

  @Override
  Conn newConn(int id) {
    return new BurstConn(id);
  }

  private final class BurstConn extends Conn {
    private final HttpHead head = new HttpHead();
    private WsFrames.Reader frames;
    private long requestAt;
    private long closeWaitEnd;
    private String cls;
    private String closeFrame;
    private boolean openPacket;
    private int pings;

    BurstConn(int id) {
      super(id);
    }

    @Override
    void onConnected(long now) {
      requestAt = now;
      send(ByteBuffer.wrap(upgrade), now);
    }

    @Override
    void onData(ByteBuffer in, long now) {
      if (!head.complete()) {
        if (!head.feed(in)) {
          return;
        }
        answerTimes.add(now - requestAt);
        lastAnswer = now;
        handshakeDone();
        if (head.status() != 101) {
          String retry = head.header("retry-after");
          if (retry != null) {
            retryAfter.merge(retry, 1, Integer::sum);
          }
          classify("http_" + head.status());
          close(now);
          return;
        }
        frames = new WsFrames.Reader();
        closeWaitEnd = now + closeWait;
      }
      frames.feed(in, (opcode, payload, length) -> {
        if (opcode == WsFrames.CLOSE && closeFrame == null) {
          closeFrame = "close_" + WsFrames.closeCode(payload);
        } else if (opcode == WsFrames.TEXT && !openPacket && length > 0 && payload[0] == '0') {
          openPacket = true;
          openPackets++;
        } else if (opcode == WsFrames.TEXT && length == 1 && payload[0] == '2') {
          pings++;
        }
      });
      if (closeFrame != null) {
        serverClosed(now, closeFrame);
        return;
      }
      for (; pings > 0 && out.isEmpty(); pings--) { // held connections answer pings, as a client would
        pingsAnswered++;
        send(WsFrames.ENGINE_PONG.duplicate(), now);
      }
      if (cls == null && closeWait == 0) {
        classify("101_open");
      }
    }

    @Override
    void onTick(long now) {
      if (head.complete()) {
        if (cls == null && now - closeWaitEnd >= 0) {
          classify("101_open");
        }
      } else if (now - requestAt > answerTimeout) {
        classify("timeout");
        close(now);
      }
    }

    @Override
    void onServerClosed(long now, String how) {
      if (cls != null) {
        closedLater.merge(how, 1, Integer::sum);
      } else if (head.complete()) {
        classify("101_" + how);
      } else {
        classify(head.started() ? "partial_answer_" + how : how);
      }
    }

    @Override
    void atEnd(long now) {
      if (cls == null) {
        classify(head.complete() ? "101_open" : "unanswered_at_end");
      }
      stillOpen++;
    }

    private void classify(String c) {
      cls = c;
      classes.merge(c, 1, Integer::sum);
      settle();
    }
  }

  @Override
  void report(ObjectNode out) {
    putMap(out, "classes", classes);
    putMap(out, "retry_after", retryAfter);
    long[] a = answerTimes.stream().mapToLong(Long::longValue).toArray();
    out.put("answered", a.length);
    out.put("last_answer_ms", lastAnswer < 0 ? -1 : (lastAnswer - t0) / 1_000_000);
    out.put("answer_p50_ms", Stats.msOrNull(a, 50));
    out.put("answer_p90_ms", Stats.msOrNull(a, 90));
    out.put("answer_max_ms", Stats.msOrNull(a, 100));
    out.put("open_packets", openPackets);
    putMap(out, "closed_later", closedLater);
    out.put("still_open", stillOpen);
    out.put("pings_answered", pingsAnswered);
  }

  @Override
  String summary() {
    long[] a = answerTimes.stream().mapToLong(Long::longValue).toArray();
    return String.format(Locale.ROOT, "answers %s%s; answer time %s; %d open packets; closed later %s;"
            + " %d still open at the end (then closed)", classes,
        retryAfter.isEmpty() ? "" : ", Retry-After " + retryAfter, Stats.describeMs(a), openPackets, closedLater,
        stillOpen);
  }
}
