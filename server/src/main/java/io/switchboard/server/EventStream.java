package io.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.switchboard.server.cluster.Resumption;
import io.switchboard.server.parser.Packet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Server-Sent Events stream in a namespace's rooms: {@code io.to("prices").emit("price", p)} reaches it as
 * {@code event: price}, {@code id: <offset>}, {@code data: <p as JSON>}, next to the room's Socket.IO and plain
 * WebSocket clients, on this server and across the cluster.
 *
 * <pre>{@code
 * io.sse("/events", EventStreamOptions.DEFAULT, stream -> {
 *   String room = stream.handshake().query().get("room");
 *   if (room != null) stream.join(room);
 *   stream.send("welcome", Map.of("id", stream.id()));
 * });
 * // browser: new EventSource("/events?room=prices").addEventListener("price", e => show(JSON.parse(e.data)));
 * }</pre>
 *
 * <p>The {@code data:} line is the JSON of the event's argument, or the JSON array of its arguments when it has none
 * or several; binary arguments are base64 strings. With connection state recovery on, each broadcast's {@code id:} is
 * its recovery offset, and a browser that reconnects with {@code Last-Event-ID} first gets what it missed from the
 * same store; an id that is unknown or too old gets a fresh stream that begins with an {@code event: reset}.
 *
 * <p>A reader that does not keep up is dropped once {@link EventStreamOptions#maxQueuedBytes()} wait for it. Methods
 * may be called from any thread.
 */
public final class EventStream extends PlainMember {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);

  private final Channel channel;
  private final EventStreamOptions options;
  private final String corsOrigin;
  // guarded by this: what reaches the stream before its head is out waits here, then follows it
  private volatile List<byte[]> gate = new ArrayList<>();
  private ScheduledFuture<?> heartbeat;

  EventStream(Namespace nsp, Handshake handshake, String user, Channel channel, EventStreamOptions options,
      String corsOrigin) {
    super(nsp, handshake, user);
    this.channel = channel;
    this.options = options;
    this.corsOrigin = corsOrigin;
  }

  /**
   * Sends an event to this stream only, as {@code event: <event>} and {@code data: <data as JSON>}, without an id: it
   * is not stored for resumption. Dropped if the stream is closed.
   *
   * @param event the event name (a line break in it is replaced)
   * @param data  the event's data, encoded as JSON by the namespace's codec
   * @throws IllegalArgumentException if {@code data} cannot be encoded
   */
  public void send(String event, Object data) {
    String json;
    try {
      json = nsp.codec().mapper().writeValueAsString(nsp.codec().toNode(data));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + event, e);
    }
    write(("event: " + Outgoing.sseField(event) + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8),
        false);
  }

  @Override
  public void close() {
    channel.close();
  }

  /**
   * Ends the stream after {@code delay} (a graceful server close): a {@code retry:} line, a comment saying why, then
   * the end of the response; the browser's EventSource reconnects after the retry time. Completes once closed.
   */
  java.util.concurrent.CompletableFuture<Void> goAway(java.time.Duration delay) {
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    channel.closeFuture().addListener(f -> closed.complete(null));
    channel.eventLoop().schedule(() -> {
      String bye = "retry: " + options.retry().toMillis() + "\n: server shutting down\n\n";
      channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(bye.getBytes(StandardCharsets.UTF_8))));
      channel.writeAndFlush(io.netty.handler.codec.http.LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    }, delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    return closed;
  }

  @Override
  void deliver(Outgoing outgoing, boolean volatileEmit) {
    byte[] block = outgoing.sse();
    if (block != null) {
      write(block, volatileEmit);
    }
  }

  private void write(byte[] block, boolean volatileEmit) {
    if (gate != null) { // only until the head is out: no lock on the broadcast path after that
      synchronized (this) {
        if (gate != null) {
          if (!volatileEmit) {
            gate.add(block);
          }
          return;
        }
      }
    }
    writeNow(block, volatileEmit);
  }

  private void writeNow(byte[] block, boolean volatileEmit) {
    if (!channel.isActive() || volatileEmit && !channel.isWritable()) {
      return;
    }
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(block)))
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    if (!channel.isWritable()) {
      // what the socket did not take waits in memory: a reader this far behind is dropped, not buffered for
      log.debug("dropping event stream {}: over {} bytes unsent", id(), options.maxQueuedBytes());
      channel.close();
    }
  }

  /**
   * Writes the head, {@code retry:}, where the stream starts (a fresh stream's position, or what it missed), then what
   * reached it meanwhile; starts the heartbeat. On the channel's event loop.
   *
   * @param lastEventId the id the browser presented, or {@code null}
   */
  void start(Resumption found, String lastEventId) {
    if (!channel.isActive()) {
      gone();
      return;
    }
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    res.headers().set("X-Accel-Buffering", "no");
    if (corsOrigin != null) {
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
      res.headers().set(HttpHeaderNames.VARY, "Origin");
    }
    HttpUtil.setTransferEncodingChunked(res, true);
    int max = options.maxQueuedBytes();
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(max / 2, max));
    channel.write(res);
    StringBuilder head = new StringBuilder("retry: ").append(options.retry().toMillis()).append("\n: connected\n");
    boolean resumed = lastEventId != null && found.missed() != null;
    if (lastEventId != null && !resumed) {
      // the browser will present the position from now on, so a later reconnection resumes
      head.append(": Last-Event-ID unknown or too old: a fresh stream\nevent: reset\n");
      if (found.position() != null) {
        head.append("id: ").append(Outgoing.sseField(found.position())).append('\n');
      }
      head.append("data: {\"resumed\":false}\n");
    } else if (!resumed && found.position() != null) {
      head.append("id: ").append(Outgoing.sseField(found.position())).append('\n'); // sets the id, fires nothing
    }
    head.append('\n');
    writeNow(head.toString().getBytes(StandardCharsets.UTF_8), false);
    if (resumed) {
      for (JsonNode data : found.missed()) {
        byte[] block = new Outgoing(nsp.codec(), Packet.event(nsp.name(), data, null), true, true).sse();
        if (block != null) {
          writeNow(block, false);
        }
      }
    }
    synchronized (this) {
      for (byte[] held : gate) {
        writeNow(held, false);
      }
      gate = null;
    }
    long every = options.heartbeat().toMillis();
    heartbeat = channel.eventLoop().scheduleAtFixedRate(
        () -> writeNow(": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII), true), every, every,
        TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(f -> heartbeat.cancel(false));
  }

  @Override
  public String toString() {
    return "EventStream[" + nsp.name() + " " + id() + "]";
  }
}
