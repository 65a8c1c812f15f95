package io.switchboard.chat.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.switchboard.chat.ChatException;
import io.switchboard.chat.ChatJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request of the chat's API and its answer: what a {@link Route} handler reads (path segments, query
 * parameters, the JSON body, the signed-in user) and how it answers (JSON, at once or when work completes). Every
 * answer is {@code application/json}, {@code Cache-Control: no-store}, with CORS headers for an allowed foreign
 * origin; every 4xx is logged in one line ({@link ClientErrors}).
 *
 * <pre>{@code
 * Route.get("/api/rooms/{room}/messages", Route.SIGNED_IN, ex ->
 *     ex.reply(chat.history(ex.segment(1), ex.longParam("before"), 50).thenApply(list -> ...)));
 * }</pre>
 */
public final class Exchange {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  private final ClientErrors errors;
  private final ChannelHandlerContext ctx;
  private final FullHttpRequest req;
  private final QueryStringDecoder uri;
  private final String cors;
  private final boolean keepAlive;
  private Matcher matcher;
  private String user;

  /**
   * @param errors where 4xx answers are logged
   * @param cors   the origin to allow in the answer's CORS headers, or null
   */
  public Exchange(ClientErrors errors, ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri,
      String cors) {
    this.errors = errors;
    this.ctx = ctx;
    this.req = req;
    this.uri = uri;
    this.cors = cors;
    this.keepAlive = HttpUtil.isKeepAlive(req);
  }

  /** Sets what the route matched and who is signed in (null for a public route). */
  public Exchange routed(Matcher matcher, String user) {
    this.matcher = matcher;
    this.user = user;
    return this;
  }

  public ChannelHandlerContext ctx() {
    return ctx;
  }

  public FullHttpRequest request() {
    return req;
  }

  public QueryStringDecoder uri() {
    return uri;
  }

  /** The signed-in user of a {@link Route#SIGNED_IN} route. */
  public String user() {
    return user;
  }

  /** The {@code i}-th {@code {name}} segment of the path (from 1). */
  public String segment(int i) {
    return matcher.group(i);
  }

  /** A query parameter as a number: null if absent or blank; a {@link ChatException} if not a number. */
  public Long longParam(String name) {
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

  /** The body as a JSON object; a {@link ChatException} ("Body must be JSON") otherwise. */
  public JsonNode jsonBody() {
    JsonNode body;
    try {
      body = ChatJson.MAPPER.readTree(req.content().toString(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new ChatException("Body must be JSON");
    }
    if (body == null || !body.isObject()) {
      throw new ChatException("Body must be a JSON object");
    }
    return body;
  }

  /** Answers now. */
  public void respond(HttpResponseStatus status, JsonNode body) {
    if (status.code() >= 400 && status.code() < 500) {
      errors.log(ctx.channel(), status.code(), req.method().name(), uri.path(),
          body.path("error").asText(status.reasonPhrase()));
    }
    write(jsonResponse(status, body));
  }

  /**
   * Answers when {@code work} completes: 200 with its JSON; 400 with the message of a {@link ChatException} (401 for
   * a wrong password); 500 "Internal error" for anything else (logged in one line).
   */
  public void reply(CompletionStage<? extends JsonNode> work) {
    work.whenComplete((body, err) -> {
      if (err == null) {
        respond(HttpResponseStatus.OK, body);
        return;
      }
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (cause instanceof ChatException ce) {
        respond(ce.getMessage().startsWith("Invalid username or password")
            ? HttpResponseStatus.UNAUTHORIZED : HttpResponseStatus.BAD_REQUEST, ChatJson.error(ce.getMessage()));
      } else {
        failed(cause);
      }
    });
  }

  /** Answers 500 "Internal error" for a failure of the server's own, logged in one line (a trace at DEBUG). */
  public void failed(Throwable cause) {
    if (log.isDebugEnabled()) {
      log.debug("request {} {} failed", req.method(), ClientErrors.clean(uri.path()), cause);
    } else {
      log.warn("request {} {} failed: {}", req.method(), ClientErrors.clean(uri.path()), cause.toString());
    }
    respond(HttpResponseStatus.INTERNAL_SERVER_ERROR, ChatJson.error("Internal error"));
  }

  /** Writes a response with this exchange's keep-alive and CORS headers. */
  public void write(FullHttpResponse res) {
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
}
