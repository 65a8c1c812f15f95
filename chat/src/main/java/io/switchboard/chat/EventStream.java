package io.switchboard.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events response that streams a user's notifications: first those after {@code Last-Event-ID} from
 * the database, then live ones, with no gap and no duplicate, and a comment line as heartbeat.
 *
 * <pre>{@code
 * new EventStream(ctx, chat, "bob", lastEventId, limits, slot, null).start();
 * // event: notification
 * // id: 42
 * // data: {"id":42,"type":"mention",...}
 * }</pre>
 *
 * <p>All state is touched on the channel's event loop only: live notifications hop onto it, and the database backlog
 * completes onto it. Live ones that arrive while the backlog loads are held and sent after it, skipping ids already
 * sent.
 *
 * <p>A {@code Last-Event-ID} this user cannot have seen (above their newest notification) starts a fresh stream, so
 * a made-up id never mutes the stream. A reader that does not keep up is dropped: once more than
 * {@link EventStreams#maxBuffered()} bytes wait in the connection's outbound buffer, the connection is closed (the
 * client reconnects with its {@code Last-Event-ID} and loses nothing). Closing the connection gives back the stream's
 * {@link EventStreams.Slot}.
 */
final class EventStream {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final int BACKLOG_LIMIT = 1000;
  /** The most live notifications held while the backlog loads; past it the stream is dropped. */
  private static final int HELD_LIMIT = 1000;

  private final ChannelHandlerContext ctx;
  private final EventExecutor loop;
  private final ChatService chat;
  private final String user;
  private final long lastEventId;
  private final Duration heartbeat;
  private final int maxBuffered;
  private final EventStreams.Slot slot;
  private final String corsOrigin;
  private final List<Notification> held = new ArrayList<>();
  private boolean catchingUp = true;
  private long lastSent;
  private AutoCloseable subscription;
  private ScheduledFuture<?> heartbeatTask;
  private final EventStreams streams;

  /**
   * @param lastEventId the id the client saw last, or -1 for none
   * @param slot        the place this stream takes in the limits, given back when the connection closes
   */
  EventStream(ChannelHandlerContext ctx, ChatService chat, String user, long lastEventId, EventStreams limits,
      EventStreams.Slot slot, String corsOrigin) {
    this.ctx = ctx;
    this.loop = ctx.executor();
    this.chat = chat;
    this.user = user;
    this.lastEventId = lastEventId;
    this.heartbeat = limits.heartbeat();
    this.maxBuffered = limits.maxBuffered();
    this.slot = slot;
    this.corsOrigin = corsOrigin;
    this.streams = limits;
  }

  /** Writes the response head, subscribes, loads the backlog, and starts the heartbeat. Call on the event loop. */
  void start() {
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    res.headers().set("X-Accel-Buffering", "no");
    if (corsOrigin != null) {
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    HttpUtil.setTransferEncodingChunked(res, true);
    // the connection is this stream's from now on: it becomes unwritable past maxBuffered unsent bytes
    ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(maxBuffered / 2, maxBuffered));
    // subscribed before anything is written: a notification published once the client has seen the head is not lost
    subscription = chat.bus().subscribe(user, n -> loop.execute(() -> onLive(n)));
    ctx.write(res);
    writeText("retry: 3000\n: connected\n\n");
    long interval = heartbeat.toMillis();
    heartbeatTask = loop.scheduleAtFixedRate(() -> writeText(": heartbeat\n\n"), interval, interval,
        TimeUnit.MILLISECONDS);
    streams.opened(this);
    // added last: if a write above already closed the connection, this runs at once and undoes all of the above
    ctx.channel().closeFuture().addListener(f -> stop());
    if (lastEventId < 0) {
      endCatchUp(0, List.of());
    } else {
      chat.missedNotifications(user, lastEventId, BACKLOG_LIMIT).whenComplete((missed, err) -> loop.execute(() -> {
        if (err != null) {
          log.warn("cannot load notifications of {}", user, err);
          ctx.close();
        } else if (missed.isEmpty()) {
          log.debug("Last-Event-ID {} of {} is beyond their newest notification: a fresh stream", lastEventId, user);
          endCatchUp(0, List.of());
        } else {
          endCatchUp(lastEventId, missed.get());
        }
      }));
    }
  }

  private void endCatchUp(long seen, List<Notification> backlog) {
    lastSent = seen;
    backlog.forEach(this::sendEvent);
    catchingUp = false;
    held.forEach(this::sendEvent);
    held.clear();
  }

  private void onLive(Notification n) {
    if (catchingUp) {
      if (held.size() >= HELD_LIMIT) {
        log.debug("dropping the event stream of {}: {} live notifications while its backlog loads", user, HELD_LIMIT);
        ctx.close();
        return;
      }
      held.add(n);
    } else {
      sendEvent(n);
    }
  }

  private void sendEvent(Notification n) {
    if (n.id() <= lastSent || !ctx.channel().isActive()) {
      return;
    }
    lastSent = n.id();
    try {
      writeText("event: notification\nid: " + n.id() + "\ndata: " + ChatJson.MAPPER.writeValueAsString(n) + "\n\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void writeText(String text) {
    if (!ctx.channel().isActive()) {
      return;
    }
    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)))
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    if (!ctx.channel().isWritable()) {
      // what the socket did not take waits in memory: a reader this far behind is dropped, not buffered for
      log.debug("dropping the event stream of {}: over {} bytes unsent", user, maxBuffered);
      ctx.close();
    }
  }

  /**
   * Ends the stream after {@code delay} (a server shutdown): a {@code retry:} line tells the EventSource to come back
   * after {@code retryMillis}, then the response ends and the connection closes. Completes once it is closed.
   */
  java.util.concurrent.CompletableFuture<Void> goAway(Duration delay, long retryMillis) {
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    ctx.channel().closeFuture().addListener(f -> closed.complete(null));
    loop.schedule(() -> {
      writeText("retry: " + retryMillis + "\n: server shutting down\n\n");
      ctx.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
    return closed;
  }

  private void stop() {
    streams.closed(this);
    slot.close();
    held.clear();
    if (heartbeatTask != null) {
      heartbeatTask.cancel(false);
    }
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        log.debug("unsubscribe failed", e);
      }
    }
  }
}
