package io.switchboard.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.chat.presence.Presence;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat's HTTP routes as a Netty handler, placed after an {@code HttpObjectAggregator} behind the Socket.IO
 * handler: sign-in, rooms, history, notifications, the notification event stream, health, and the web page.
 *
 * <pre>{@code
 * pipeline.addLast(new HttpObjectAggregator(65536));
 * pipeline.addLast(new HttpApi(chat, new OriginPolicy(List.of()), new StaticFiles("web"),
 *     new EventStreams(Duration.ofSeconds(15), 5, 20, 1 << 20)));
 * }</pre>
 *
 * <p>Routes: {@code POST /api/login}, {@code GET /api/rooms}, {@code GET /api/rooms/{room}/messages?before=&limit=},
 * {@code GET /api/private} (conversation partners), {@code GET /api/private/{user}?limit=}, {@code POST /api/refresh} (a new token for a valid one),
 * {@code GET /api/notifications}, {@code GET /api/events} (Server-Sent Events),
 * {@code GET /healthz}, and static files at {@code /}. The API routes other than login and health need a token: an
 * {@code Authorization: Bearer} header, a {@code token} cookie, or a {@code token} query parameter. Database work
 * runs on the database executor, never on the event loop. Requests it does not serve go on to the next handler.
 *
 * <p>A request the HTTP decoder marked as failed is never served: it gets 400 (414, 431, 413 for the limits) and the
 * connection is closed (see {@link RequestGuard}, which normally refuses it before it gets here). Event streams are
 * capped per user and per client address ({@link EventStreams}); one over a cap gets 429. A {@code Last-Event-ID} that
 * is not a plain non-negative number, or is above the user's newest notification, starts a fresh stream.
 */
@ChannelHandler.Sharable
public final class HttpApi extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final Pattern ROOM_MESSAGES = Pattern.compile("/api/rooms/([^/]+)/messages");
  private static final Pattern PRIVATE = Pattern.compile("/api/private/([^/]+)");
  /** The most digits of a Last-Event-ID (a positive long has at most 19). */
  private static final int MAX_EVENT_ID_DIGITS = 19;

  private final ChatService chat;
  private final Presence presence;
  private final OriginPolicy origins;
  private final StaticFiles files;
  private final EventStreams streams;

  public HttpApi(ChatService chat, Presence presence, OriginPolicy origins, StaticFiles files, EventStreams streams) {
    this.chat = chat;
    this.presence = presence;
    this.origins = origins;
    this.files = files;
    this.streams = streams;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (req.decoderResult().isFailure()) {
      ReferenceCountUtil.release(req);
      refuse(ctx, RequestGuard.statusOf(req.decoderResult()));
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String path = uri.path();
    boolean mine = path.equals("/healthz") || path.startsWith("/api/")
        || (req.method().equals(HttpMethod.GET) && files.get(path).isPresent());
    if (!mine) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      route(ctx, req, uri, path);
    } catch (ChatException e) {
      send(ctx, req, HttpResponseStatus.BAD_REQUEST, ChatJson.error(e.getMessage()));
    } catch (RuntimeException e) {
      log.warn("request {} {} failed", req.method(), req.uri(), e);
      send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, ChatJson.error("Internal error"));
    } finally {
      ReferenceCountUtil.release(req);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof PrematureChannelClosureException) {
      // a client that went away (or was refused) in the middle of a request body: nothing to answer
      log.debug("connection closed during a request body: {}", cause.getMessage());
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  private void route(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String path) {
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (path.startsWith("/api/") && !origins.allows(origin, req.headers().get(HttpHeaderNames.HOST))) {
      send(ctx, req, HttpResponseStatus.FORBIDDEN, ChatJson.error("Origin not allowed"));
      return;
    }
    HttpMethod method = req.method();
    if (method.equals(HttpMethod.OPTIONS) && path.startsWith("/api/")) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, Last-Event-ID");
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
      write(ctx, req, res);
      return;
    }
    if (path.equals("/healthz") && method.equals(HttpMethod.GET)) {
      reply(ctx, req, chat.healthy().thenApply(ok -> ChatJson.MAPPER.createObjectNode()
          .put("status", ok ? "ok" : "degraded")));
      return;
    }
    if (path.equals("/api/login")) {
      if (!method.equals(HttpMethod.POST)) {
        send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, ChatJson.error("Use POST"));
        return;
      }
      JsonNode body;
      try {
        body = ChatJson.MAPPER.readTree(req.content().toString(StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        send(ctx, req, HttpResponseStatus.BAD_REQUEST, ChatJson.error("Body must be JSON"));
        return;
      }
      if (body == null || !body.isObject()) {
        send(ctx, req, HttpResponseStatus.BAD_REQUEST, ChatJson.error("Body must be a JSON object"));
        return;
      }
      Object username = body.path("username").isTextual() ? body.get("username").asText() : null;
      Object password = body.path("password").isTextual() ? body.get("password").asText() : null;
      reply(ctx, req, chat.login(username, password).thenApply(token -> ChatJson.MAPPER.createObjectNode()
          .put("token", token).put("username", (String) username)
          .put("expiresIn", chat.tokens().lifetime().toSeconds())));
      return;
    }
    if (path.equals("/api/refresh") && method.equals(HttpMethod.POST)) {
      Optional<TokenService.Claims> who = chat.tokens().verify(token(req, uri));
      if (who.isEmpty()) {
        send(ctx, req, HttpResponseStatus.UNAUTHORIZED, ChatJson.error("Authentication failed"));
        return;
      }
      send(ctx, req, HttpResponseStatus.OK, ChatJson.ok().put("token", chat.tokens().issue(who.get().username()))
          .put("expiresIn", chat.tokens().lifetime().toSeconds()));
      return;
    }
    if (!method.equals(HttpMethod.GET)) {
      if (path.startsWith("/api/")) {
        send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, ChatJson.error("Use GET"));
      } else {
        ctx.fireChannelRead(req.retain());
      }
      return;
    }
    if (!path.startsWith("/api/")) {
      StaticFiles.File f = files.get(path).orElseThrow();
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(f.bytes()));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
      res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
      res.headers().set("X-Content-Type-Options", "nosniff");
      write(ctx, req, res);
      return;
    }
    Optional<TokenService.Claims> who = chat.tokens().verify(token(req, uri));
    if (who.isEmpty()) {
      send(ctx, req, HttpResponseStatus.UNAUTHORIZED, ChatJson.error("Authentication failed"));
      return;
    }
    String user = who.get().username();
    Matcher m;
    if (path.equals("/api/rooms")) {
      reply(ctx, req, chat.rooms().thenApply(rooms -> ChatJson.ok().set("rooms", ChatJson.MAPPER.valueToTree(rooms))));
    } else if ((m = ROOM_MESSAGES.matcher(path)).matches()) {
      Long before = longParam(uri, "before");
      Long limit = longParam(uri, "limit");
      reply(ctx, req, chat.history(m.group(1), before, limit == null ? ChatService.JOIN_HISTORY : limit.intValue())
          .thenApply(list -> ChatJson.ok().set("messages", ChatJson.MAPPER.valueToTree(list))));
    } else if (path.equals("/api/private")) {
      reply(ctx, req, chat.partners(user).thenApply(list -> ChatJson.ok().set("users",
          ChatJson.MAPPER.valueToTree(list))));
    } else if ((m = PRIVATE.matcher(path)).matches()) {
      InputRules.checkUsername(m.group(1)).ifPresent(error -> {
        throw new ChatException(error);
      });
      Long limit = longParam(uri, "limit");
      reply(ctx, req, chat.conversation(user, m.group(1), limit == null ? ChatService.JOIN_HISTORY : limit.intValue())
          .thenApply(list -> ChatJson.ok().set("messages", ChatJson.MAPPER.valueToTree(list))));
    } else if (path.equals("/api/online")) {
      send(ctx, req, HttpResponseStatus.OK, ChatJson.ok().setAll((ObjectNode) ChatJson.MAPPER.valueToTree(
          presence.online())));
    } else if (path.equals("/api/notifications")) {
      Long limit = longParam(uri, "limit");
      reply(ctx, req, chat.notifications(user, limit == null ? 50 : limit.intValue())
          .thenApply(list -> ChatJson.ok().set("notifications", ChatJson.MAPPER.valueToTree(list))));
    } else if (path.equals("/api/events")) {
      String last = req.headers().get("Last-Event-ID");
      if (last == null) {
        last = uri.parameters().getOrDefault("lastEventId", List.of()).stream().findFirst().orElse(null);
      }
      EventStreams.Opening opening = streams.tryOpen(user, clientAddress(ctx));
      if (opening instanceof EventStreams.Refusal refusal) {
        send(ctx, req, HttpResponseStatus.TOO_MANY_REQUESTS, ChatJson.error(refusal.message));
        return;
      }
      RequestGuard guard = ctx.pipeline().get(RequestGuard.class);
      if (guard != null) {
        guard.streaming();
      }
      new EventStream(ctx, chat, user, eventId(last), streams, (EventStreams.Slot) opening, corsOrigin(req)).start();
    } else {
      send(ctx, req, HttpResponseStatus.NOT_FOUND, ChatJson.error("Not found"));
    }
  }

  /** The token of a request: the Authorization bearer, the {@code token} query parameter, or the {@code token} cookie. */
  static String token(FullHttpRequest req, QueryStringDecoder uri) {
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    List<String> q = uri.parameters().get("token");
    if (q != null && !q.isEmpty()) {
      return q.get(0);
    }
    String cookieHeader = req.headers().get(HttpHeaderNames.COOKIE);
    if (cookieHeader != null) {
      for (Cookie c : ServerCookieDecoder.STRICT.decode(cookieHeader)) {
        if (c.name().equals("token")) {
          return c.value();
        }
      }
    }
    return null;
  }

  /**
   * The notification id of a {@code Last-Event-ID}, or -1 (a fresh stream) for none, junk, a sign, or more digits than
   * a long has; never an error, and nothing of the value is echoed.
   */
  static long eventId(String value) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > MAX_EVENT_ID_DIGITS) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException overflow) {
      return -1;
    }
  }

  private static String clientAddress(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
  }

  /** Refuses a request through the connection's {@link RequestGuard}, or (without one) answers and closes. */
  private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
    RequestGuard guard = ctx.pipeline().get(RequestGuard.class);
    if (guard != null) {
      guard.refuse(ctx, status);
    } else {
      ctx.channel().config().setAutoRead(false);
      ctx.writeAndFlush(RequestGuard.errorResponse(status)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static Long longParam(QueryStringDecoder uri, String name) {
    List<String> v = uri.parameters().get(name);
    if (v == null || v.isEmpty() || v.get(0).isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(v.get(0).trim());
    } catch (NumberFormatException e) {
      String shown = v.get(0).length() > 20 ? v.get(0).substring(0, 20) + "…" : v.get(0);
      throw new ChatException("Bad " + name + ": " + shown);
    }
  }

  private String corsOrigin(FullHttpRequest req) {
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    return origins.isCrossOriginAllowed(origin) ? origin : null;
  }

  private void reply(ChannelHandlerContext ctx, FullHttpRequest req, CompletableFuture<? extends JsonNode> work) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    String cors = corsOrigin(req);
    work.whenComplete((body, err) -> {
      HttpResponseStatus status = HttpResponseStatus.OK;
      JsonNode json = body;
      if (err != null) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof ChatException ce) {
          status = ce.getMessage().startsWith("Invalid username or password")
              ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.BAD_REQUEST;
          json = ChatJson.error(ce.getMessage());
        } else {
          log.warn("request failed", cause);
          status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
          json = ChatJson.error("Internal error");
        }
      }
      write(ctx, keepAlive, cors, jsonResponse(status, json));
    });
  }

  private void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, ObjectNode body) {
    write(ctx, req, jsonResponse(status, body));
  }

  private static FullHttpResponse jsonResponse(HttpResponseStatus status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = ChatJson.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return res;
  }

  private void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    write(ctx, HttpUtil.isKeepAlive(req), corsOrigin(req), res);
  }

  private static void write(ChannelHandlerContext ctx, boolean keepAlive, String cors, FullHttpResponse res) {
    if (cors != null) {
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, cors);
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
      res.headers().set(HttpHeaderNames.VARY, "Origin");
    }
    HttpUtil.setContentLength(res, res.content().readableBytes());
    HttpUtil.setKeepAlive(res, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(res);
    } else {
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
