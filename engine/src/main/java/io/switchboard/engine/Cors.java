package io.switchboard.engine;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cors.CorsConfig;
import java.util.stream.Collectors;

/**
 * Applies a Netty {@link CorsConfig} to the Engine.IO endpoint's responses and answers preflight requests. An origin
 * outside {@link EngineOptions#allowedOrigins()} gets no CORS headers, whatever the CORS policy says.
 */
final class Cors {
  private Cors() {}

  /**
   * The CORS headers for a response to this request; empty when there is no policy or the origin is not allowed by
   * the policy or by {@link EngineOptions#allowedOrigins()}.
   */
  static HttpHeaders headers(EngineOptions options, HttpRequest req) {
    CorsConfig config = options.cors();
    if (config == null || !config.isCorsSupportEnabled()) {
      return EmptyHttpHeaders.INSTANCE;
    }
    String origin = req.headers().get(HttpHeaderNames.ORIGIN);
    if (origin == null || !options.originAllowed(origin)) {
      return EmptyHttpHeaders.INSTANCE;
    }
    HttpHeaders h = new DefaultHttpHeaders();
    if (config.isAnyOriginSupported() && !config.isCredentialsAllowed()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    } else if (config.isAnyOriginSupported() || config.origins().contains(origin)
        || ("null".equals(origin) && config.isNullOriginAllowed())) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      h.set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    } else {
      return EmptyHttpHeaders.INSTANCE;
    }
    if (config.isCredentialsAllowed()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    if (!config.exposedHeaders().isEmpty()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(",", config.exposedHeaders()));
    }
    return h;
  }

  /** The extra headers of a preflight answer (methods, headers, max age). */
  static HttpHeaders preflightHeaders(CorsConfig config, HttpRequest req) {
    HttpHeaders h = new DefaultHttpHeaders();
    String methods = config.allowedRequestMethods().isEmpty()
        ? "GET,POST,OPTIONS"
        : config.allowedRequestMethods().stream().map(HttpMethod::name).collect(Collectors.joining(","));
    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
    if (!config.allowedRequestHeaders().isEmpty()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(",", config.allowedRequestHeaders()));
    } else {
      String asked = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
      if (asked != null) {
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
      }
    }
    if (config.maxAge() > 0) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, config.maxAge());
    }
    return h;
  }
}
