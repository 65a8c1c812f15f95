package io.switchboard.bench.attack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code idle-tcp} and {@code slowloris}: connections that send nothing, or one byte of an endless request head per
 * interval, and wait for the server to close them. Each close is recorded with its time after the connect, how it came
 * (eof or reset) and the HTTP status the server sent first, if any (e.g. 408).
 *
 * <pre>{@code
 * ObjectNode r = new HoldAttack(AttackOptions.parse("slowloris", "--count", "100", "--interval-s", "1")).run();
 * r.path("closed_by_server").asInt();
 * }</pre>
 */
final class HoldAttack extends Attack {
  private final boolean slow;
  private final Requests.Slow request;
  private final long interval;
  private final Map<String, Integer> closes = new TreeMap<>();
  private final Map<String, Integer> statuses = new TreeMap<>();
  private final List<Long> closeTimes = new ArrayList<>();
  private int closedAtOnce;
  private int stillOpen;
  private long bytesSent;
  private long bytesReceived;

  HoldAttack(AttackOptions options) {
    super(options);
    this.slow = options.kind() == AttackOptions.Kind.SLOWLORIS;
    this.request = new Requests.Slow(options.basePath(), options.hostHeader());
    this.interval = options.interval().toNanos();
  }

  @Override
  Conn newConn(int id) {
    return new HoldConn(id);
  }

  private final class HoldConn extends Conn {
    private HttpHead head;
    private long nextSend;
    private long sentBytes;
    private final ByteBuffer one = slow ? ByteBuffer.allocate(1) : null;

    HoldConn(int id) {
      super(id);
    }

    @Override
    void onConnected(long now) {
      settle();
      if (slow) {
        nextSend = now;
        onTick(now);
      }
    }

    @Override
    void onData(ByteBuffer in, long now) {
      if (head == null) {
        head = new HttpHead();
      }
      head.feed(in);
      in.position(in.limit());
    }

    @Override
    void onTick(long now) {
      if (slow && out.isEmpty() && now - nextSend >= 0) {
        one.clear();
        one.put(request.byteAt(sentBytes)).flip();
        sentBytes++;
        send(one, now);
        nextSend += interval;
        if (now - nextSend > interval) {
          nextSend = now + interval; // a late tick does not make the next bytes come in a burst
        }
      }
    }

    @Override
    void onServerClosed(long now, String how) {
      record(this);
      long after = now - connectedNanos;
      closes.merge(how, 1, Integer::sum);
      closeTimes.add(after);
      if (after < AT_ONCE_NANOS) {
        closedAtOnce++;
      }
      if (head != null && head.status() > 0) {
        statuses.merge(String.valueOf(head.status()), 1, Integer::sum);
      }
    }

    @Override
    void atEnd(long now) {
      record(this);
      stillOpen++;
    }
  }

  private void record(Conn c) {
    bytesSent += c.bytesSent;
    bytesReceived += c.bytesReceived;
  }

  @Override
  void report(ObjectNode out) {
    long[] t = closeTimes.stream().mapToLong(Long::longValue).toArray();
    out.put("closed_by_server", t.length);
    putMap(out, "closed", closes);
    out.put("closed_at_once", closedAtOnce);
    out.put("close_p50_ms", Stats.msOrNull(t, 50));
    out.put("close_p90_ms", Stats.msOrNull(t, 90));
    out.put("close_max_ms", Stats.msOrNull(t, 100));
    out.put("still_open", stillOpen);
    putMap(out, "http_status", statuses);
    out.put("bytes_received", bytesReceived);
    if (slow) {
      out.put("bytes_sent", bytesSent);
      out.put("interval_ms", options.interval().toMillis());
    }
  }

  @Override
  String summary() {
    long[] t = closeTimes.stream().mapToLong(Long::longValue).toArray();
    return String.format(Locale.ROOT, "server closed %d %s (%d at once), after %s; HTTP statuses %s;"
            + " %d still open at the end%s", t.length, closes, closedAtOnce, Stats.describeMs(t), statuses, stillOpen,
        slow ? "; " + bytesSent + " header bytes sent" : "");
  }
}
