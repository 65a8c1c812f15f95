package io.switchboard.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.switchboard.engine.EngineRequest;
import io.switchboard.server.cluster.Resumption;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Server-Sent Events endpoint: admits a GET on its path (authenticator, caps), makes an {@link EventStream} in the
 * namespace, lets the application's handler join it to rooms, resumes it from {@code Last-Event-ID}, and starts it.
 *
 * <pre>{@code
 * io.sse("/events", EventStreamOptions.DEFAULT, stream -> stream.join("news"));   // makes one of these
 * }</pre>
 */
final class SseEndpoint implements PlainRouter.Endpoint {
  private static final Logger log = LoggerFactory.getLogger(SseEndpoint.class);

  private final Server server;
  private final String path;
  private final EventStreamOptions options;
  private final Consumer<EventStream> handler;
  private final ClientCaps caps;
  private final java.util.Set<EventStream> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

  SseEndpoint(Server server, String path, EventStreamOptions options, Consumer<EventStream> handler) {
    this.server = server;
    this.path = path;
    this.options = options;
    this.handler = handler;
    this.caps = new ClientCaps(options.maxStreamsPerUser(), options.maxStreamsPerAddress(), "event streams");
    server.onShutdown(this::goAway);
  }

  /**
   * A graceful close: each open stream ends at its own random point of the spread window with a {@code retry:} line
   * (the stream's {@link EventStreamOptions#retry()}), so the browsers' EventSources come back to another node, not
   * all at once; the close waits for them.
   */
  private void goAway(Shutdown shutdown) {
    for (EventStream stream : open) {
      shutdown.hold(stream.goAway(shutdown.nextDelay()));
    }
  }

  @Override
  public String path() {
    return path;
  }

  /** How many streams {@code user} holds open on this server. */
  int openStreams(String user) {
    return caps.open(user);
  }

  @Override
  public void accept(ChannelHandlerContext ctx, HttpRequest req) {
    if (req.method() != HttpMethod.GET) {
      PlainRouter.refuse(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "Use GET");
      return;
    }
    EngineRequest request = EngineRequest.of(ctx.channel(), req);
    Channel ch = ctx.channel();
    server.handlerExecutor().execute(() -> open(ctx, ch, request));
  }

  private void open(ChannelHandlerContext ctx, Channel ch, EngineRequest request) {
    if (!ch.isActive()) {
      return;
    }
    Admission admission;
    try {
      admission = options.authenticator().admit(request);
    } catch (Exception e) {
      log.warn("the authenticator of {} failed", path, e);
      admission = Admission.refuse(500, "Internal server error");
    }
    if (!admission.admitted()) {
      PlainRouter.refuse(ctx, HttpResponseStatus.valueOf(admission.status()), admission.message());
      return;
    }
    Handshake hs = Handshake.of(request, admission.user() == null ? Map.of() : Map.of("user", admission.user()));
    ClientCaps.Slot slot = caps.tryOpen(admission.user(), hs.address());
    if (slot == null) {
      PlainRouter.refuse(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, caps.refusal(admission.user()));
      return;
    }
    String origin = request.header("origin");
    String cors = origin != null && options.allowedOrigins().contains(origin) ? origin : null;
    Namespace nsp = server.of(options.namespace());
    EventStream stream = new EventStream(nsp, hs, admission.user(), ch, options, cors);
    stream.onClose(slot::close);
    open.add(stream);
    ch.closeFuture().addListener(f -> {
      open.remove(stream);
      stream.gone();
    });
    stream.enter();
    try {
      handler.accept(stream);
    } catch (RuntimeException e) {
      log.warn("the handler of {} failed", path, e);
      stream.gone();
      PlainRouter.refuse(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "Internal server error");
      return;
    }
    if (!stream.connected()) {
      return; // closed by the handler, or gone meanwhile
    }
    String last = request.header("last-event-id");
    if (last == null) {
      last = request.queryParam("lastEventId");
    }
    String lastEventId = last == null || last.isEmpty() ? null : last;
    Resumption found;
    try {
      found = nsp.adapter().resume(stream.id(), stream.rooms(), lastEventId, r -> {
        nsp.addPlain(stream);
        return r;
      });
    } catch (RuntimeException e) {
      log.warn("resuming an event stream of {} failed", path, e);
      nsp.addPlain(stream);
      found = Resumption.NONE;
    }
    if (!ch.isActive()) {
      stream.gone(); // closed between the listener above and addPlain: do not stay a member
      return;
    }
    Resumption r = found;
    ch.eventLoop().execute(() -> stream.start(r, lastEventId));
  }
}
