package io.switchboard.chat;

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
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.util.ReferenceCountUtil;
import io.switchboard.chat.auth.AuthRoutes;
import io.switchboard.chat.direct.PrivateRoutes;
import io.switchboard.chat.http.ClientErrors;
import io.switchboard.chat.http.Exchange;
import io.switchboard.chat.http.Route;
import io.switchboard.chat.notify.NotificationRoutes;
import io.switchboard.chat.presence.Presence;
import io.switchboard.chat.presence.PresenceRoutes;
import io.switchboard.chat.rooms.RoomRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;

/**
 * The chat's HTTP routes as a Netty handler, placed after an {@code HttpObjectAggregator} behind the Socket.IO
 * handler: a table of {@link Route}s, each feature's in its own package, and the web page's static files.
 *
 * <pre>{@code
 * pipeline.addLast(new HttpObjectAggregator(65536));
 * pipeline.addLast(new HttpApi(chat, presence, new OriginPolicy(List.of()), new StaticFiles("web")));
 * }</pre>
 *
 * <table>
 *   <caption>routes by feature</caption>
 *   <tr><td>{@code POST /api/login}, {@code POST /api/refresh}</td><td>{@link AuthRoutes}</td></tr>
 *   <tr><td>{@code GET /api/rooms}, {@code GET /api/rooms/{room}/messages}</td><td>{@link RoomRoutes}</td></tr>
 *   <tr><td>{@code GET /api/private}, {@code GET /api/private/{user}}</td><td>{@link PrivateRoutes}</td></tr>
 *   <tr><td>{@code GET /api/notifications}</td><td>{@link NotificationRoutes}</td></tr>
 *   <tr><td>{@code GET /api/events} (Server-Sent Events, served by the library before this handler)</td>
 *       <td>{@link io.switchboard.chat.notify.NotificationStreams}</td></tr>
 *   <tr><td>{@code GET /api/online}</td><td>{@link PresenceRoutes}</td></tr>
 *   <tr><td>{@code GET /healthz}, {@code GET /readyz}, static files at {@code /}</td><td>here</td></tr>
 * </table>
 *
 * <p>The API routes other than login, refresh and health need a token: an {@code Authorization: Bearer} header, a
 * {@code token} cookie, or a {@code token} query parameter. A path of the table asked with another method gets 405,
 * an unknown {@code /api/} path 404 (after the token check). Database work runs on the database executor, never on
 * the event loop. Requests it does not serve go on to the next handler.
 *
 * <p>A request the HTTP decoder marked as failed is never served: it gets 400 (414, 431, 413 for the limits) and the
 * connection is closed (see {@link RequestGuard}, which normally refuses it before it gets here).
 */
@ChannelHandler.Sharable
public final class HttpApi extends ChannelInboundHandlerAdapter {
  private final ChatService chat;
  private final OriginPolicy origins;
  private final StaticFiles files;
  private final List<Route> routes = new ArrayList<>();
  private final ClientErrors errors = new ClientErrors();
  private volatile BooleanSupplier ready = () -> true;

  public HttpApi(ChatService chat, Presence presence, OriginPolicy origins, StaticFiles files) {
    this.chat = chat;
    this.origins = origins;
    this.files = files;
    // the route table: each feature's routes live with the feature
    routes.add(Route.get("/healthz", Route.PUBLIC, ex -> ex.reply(chat.healthy()
        .thenApply(ok -> ChatJson.MAPPER.createObjectNode().put("status", ok ? "ok" : "degraded")))));
    routes.add(Route.get("/readyz", Route.PUBLIC, this::readiness));
    routes.addAll(new AuthRoutes(chat, ex -> token(ex.request(), ex.uri())).routes());
    routes.addAll(new RoomRoutes(chat).routes());
    routes.addAll(new PrivateRoutes(chat).routes());
    routes.addAll(new NotificationRoutes(chat).routes());
    routes.addAll(new PresenceRoutes(presence).routes());
  }

  /**
   * Sets what {@code GET /readyz} reports: 200 {@code {"status":"ready"}} while {@code ready} says so, else 503
   * {@code {"status":"shutting down"}} (a balancer stops sending new clients). Ready by default.
   */
  public HttpApi readyWhen(BooleanSupplier ready) {
    this.ready = java.util.Objects.requireNonNull(ready, "ready");
    return this;
  }

  private void readiness(Exchange ex) {
    boolean up = ready.getAsBoolean();
    ex.respond(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
        ChatJson.MAPPER.createObjectNode().put("status", up ? "ready" : "shutting down"));
  }

  /** Where refused requests are logged (also by each connection's {@link RequestGuard}). */
  ClientErrors clientErrors() {
    return errors;
  }

  /** The routes this handler serves, in the order they are matched. */
  public List<Route> routes() {
    return List.copyOf(routes);
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
    boolean mine = path.equals("/healthz") || path.equals("/readyz") || path.startsWith("/api/")
        || (req.method().equals(HttpMethod.GET) && files.get(path).isPresent());
    if (!mine) {
      ctx.fireChannelRead(msg);
      return;
    }
    Exchange ex = new Exchange(errors, ctx, req, uri, corsOrigin(req));
    try {
      route(ex, path);
    } catch (ChatException e) {
      ex.respond(HttpResponseStatus.BAD_REQUEST, ChatJson.error(e.getMessage()));
    } catch (RuntimeException e) {
      ex.failed(e);
    } finally {
      ReferenceCountUtil.release(req);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof PrematureChannelClosureException) {
      // a client that went away (or was refused) in the middle of a request body: nothing to answer
      errors.log(ctx.channel(), 400, "-", "-", "connection closed in the middle of a request body");
      return;
    }
    // nothing after this handler would do better than Netty's tail, which logs a stack trace: one line, and close
    errors.log(ctx.channel(), 400, "-", "-", "connection failed: " + cause);
    ctx.close();
  }

  private void route(Exchange ex, String path) {
    FullHttpRequest req = ex.request();
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (path.startsWith("/api/") && !origins.allows(origin, req.headers().get(HttpHeaderNames.HOST))) {
      ex.respond(HttpResponseStatus.FORBIDDEN, ChatJson.error("Origin not allowed"));
      return;
    }
    HttpMethod method = req.method();
    if (method.equals(HttpMethod.OPTIONS) && path.startsWith("/api/")) {
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, Last-Event-ID");
      res.headers().set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
      ex.write(res);
      return;
    }
    Route found = null;
    Matcher m = null;
    Route otherMethod = null;
    for (Route r : routes) {
      Matcher candidate = r.match(path);
      if (candidate.matches()) {
        if (r.method().equals(method)) {
          found = r;
          m = candidate;
          break;
        }
        otherMethod = r;
      }
    }
    if (found == null && !path.startsWith("/api/") && !path.equals("/healthz") && !path.equals("/readyz")) {
      if (method.equals(HttpMethod.GET)) {
        serveFile(ex, path);
      } else {
        ex.ctx().fireChannelRead(req.retain());
      }
      return;
    }
    if (found == null && otherMethod != null) {
      ex.respond(HttpResponseStatus.METHOD_NOT_ALLOWED, ChatJson.error("Use " + otherMethod.method().name()));
      return;
    }
    if (found == null && !method.equals(HttpMethod.GET)) {
      ex.respond(HttpResponseStatus.METHOD_NOT_ALLOWED, ChatJson.error("Use GET"));
      return;
    }
    String user = null;
    if (found == null || found.signedIn()) {
      Optional<TokenService.Claims> who = chat.tokens().verify(token(req, ex.uri()));
      if (who.isEmpty()) {
        ex.respond(HttpResponseStatus.UNAUTHORIZED, ChatJson.error("Authentication failed"));
        return;
      }
      user = who.get().username();
    }
    if (found == null) {
      ex.respond(HttpResponseStatus.NOT_FOUND, ChatJson.error("Not found"));
      return;
    }
    found.handler().handle(ex.routed(m, user));
  }

  private void serveFile(Exchange ex, String path) {
    StaticFiles.File f = files.get(path).orElseThrow();
    FullHttpResponse res = f.content().response(ex.request().headers()); // precompressed: gzip when accepted
    res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    res.headers().set("X-Content-Type-Options", "nosniff");
    ex.write(res);
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

  private String corsOrigin(FullHttpRequest req) {
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    return origins.isCrossOriginAllowed(origin) ? origin : null;
  }

}
