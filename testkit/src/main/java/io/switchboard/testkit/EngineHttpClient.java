package io.switchboard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.StreamSupport;

/**
 * A raw Engine.IO client over {@code java.net.http}: it speaks the wire protocol by hand (handshake, long-polling GET
 * and POST, WebSocket) so tests can check exact bytes, status codes and headers.
 *
 * <pre>{@code
 * EngineHttpClient eio = new EngineHttpClient(URI.create("http://127.0.0.1:" + port + "/engine.io/"));
 * EngineHttpClient.Handshake open = eio.openPolling();
 * assertThat(eio.push(open.sid(), "4hello").body()).isEqualTo("ok");
 * assertThat(eio.poll(open.sid()).body()).isEqualTo("4hello");
 * }</pre>
 *
 * <p>Every request goes over HTTP/1.1 and times out after {@link #timeout()}; query strings given to the methods
 * are appended to {@code EIO=4}.
 */
public final class EngineHttpClient {
  /** The separator of packets in a long-polling payload. */
  public static final char RECORD_SEPARATOR = '\u001e';

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  /** A client for the Engine.IO endpoint at {@code base} (e.g. {@code http://127.0.0.1:3000/engine.io/}). */
  public EngineHttpClient(URI base) {
    this(base, Duration.ofSeconds(10));
  }

  /** A client whose requests time out after {@code timeout}. */
  public EngineHttpClient(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .build();
  }

  /** The handshake the server answered: the OPEN packet's fields. */
  public record Handshake(String sid, List<String> upgrades, long pingInterval, long pingTimeout, long maxPayload,
      JsonNode json) {}

  /** The per-request timeout. */
  public Duration timeout() {
    return timeout;
  }

  /** The underlying JDK client, e.g. for WebSocket builders. */
  public HttpClient http() {
    return http;
  }

  /** The URI of {@code ?EIO=4&<query>} on the HTTP scheme. */
  public URI uri(String query) {
    return URI.create(base + "?EIO=4" + (query.isEmpty() ? "" : "&" + query));
  }

  /** The URI of {@code ?<rawQuery>}, without the implicit {@code EIO=4} (to test a missing or bad one). */
  public URI rawUri(String rawQuery) {
    return URI.create(base + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
  }

  /** The URI of {@code ?EIO=4&<query>} on the WebSocket scheme. */
  public URI wsUri(String query) {
    return URI.create(uri(query).toString().replaceFirst("^http", "ws"));
  }

  /** Opens a long-polling session and parses the OPEN packet; fails unless the answer is 200 {@code 0{...}}. */
  public Handshake openPolling() {
    HttpResponse<String> r = get("transport=polling");
    if (r.statusCode() != 200 || !r.body().startsWith("0")) {
      throw new AssertionError("handshake failed: " + r.statusCode() + " " + r.body());
    }
    return parseOpen(r.body());
  }

  /** Parses an OPEN packet ({@code 0{...}}). */
  public static Handshake parseOpen(String packet) {
    if (!packet.startsWith("0")) {
      throw new AssertionError("not an OPEN packet: " + packet);
    }
    try {
      JsonNode json = JSON.readTree(packet.substring(1));
      List<String> upgrades = json.path("upgrades").isArray()
          ? StreamSupport.stream(json.get("upgrades").spliterator(), false)
              .map(JsonNode::asText).toList()
          : List.of();
      return new Handshake(json.path("sid").asText(null), upgrades, json.path("pingInterval").asLong(-1),
          json.path("pingTimeout").asLong(-1), json.path("maxPayload").asLong(-1), json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("OPEN packet is not JSON: " + packet, e);
    }
  }

  /** Parses a JSON body. */
  public static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  /** Sends {@code GET ?EIO=4&<query>}. */
  public HttpResponse<String> get(String query, String... headers) {
    return send(request(query, headers).GET().build());
  }

  /** Sends {@code GET ?<rawQuery>}, without the implicit {@code EIO=4}. */
  public HttpResponse<String> getRaw(String rawQuery, String... headers) {
    return send(withHeaders(HttpRequest.newBuilder(rawUri(rawQuery)).timeout(timeout), headers).GET().build());
  }

  /** Sends any request built by the caller, with this client's timeout handling. */
  public HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request.timeout(timeout).build());
  }

  /** Sends {@code POST ?EIO=4&<query>} with a text body. */
  public HttpResponse<String> post(String query, String body, String... headers) {
    return send(request(query, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** Sends a request with any method and an optional text body. */
  public HttpResponse<String> method(String method, String query, String body, String... headers) {
    HttpRequest.BodyPublisher publisher =
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
    return send(request(query, headers).method(method, publisher).build());
  }

  /** Long-polls the session: {@code GET ?EIO=4&transport=polling&sid=<sid>}. */
  public HttpResponse<String> poll(String sid) {
    return get("transport=polling&sid=" + sid);
  }

  /** Starts a long-poll without waiting for its answer. */
  public CompletableFuture<HttpResponse<String>> pollAsync(String sid) {
    return http.sendAsync(request("transport=polling&sid=" + sid).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Pushes packets to the session: {@code POST ?EIO=4&transport=polling&sid=<sid>}, packets joined by 0x1e. */
  public HttpResponse<String> push(String sid, String... packets) {
    return post("transport=polling&sid=" + sid, payload(packets));
  }

  /** Starts a push without waiting for its answer. */
  public CompletableFuture<HttpResponse<String>> pushAsync(String sid, String... packets) {
    return http.sendAsync(request("transport=polling&sid=" + sid)
        .POST(HttpRequest.BodyPublishers.ofString(payload(packets))).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Opens a WebSocket on {@code ?EIO=4&<query>} and records what it receives. */
  public WebSocketRecorder websocket(String query, String... headers) {
    return WebSocketRecorder.connect(http, wsUri(query), timeout, headers);
  }

  /**
   * Tries a WebSocket upgrade on {@code ?<rawQuery>} (no implicit {@code EIO=4}) and returns the HTTP status of a
   * refusal, or 101 if the upgrade was accepted (the socket is then aborted).
   */
  public int websocketUpgradeStatus(String rawQuery, String... headers) {
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(timeout);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    URI uri = URI.create(rawUri(rawQuery).toString().replaceFirst("^http", "ws"));
    try {
      WebSocket ws = b.buildAsync(uri, new WebSocket.Listener() {}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      ws.abort();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw new AssertionError("WebSocket upgrade on " + uri + " failed without an HTTP answer: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer to the WebSocket upgrade on " + uri + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Joins packets into a long-polling payload. */
  public static String payload(String... packets) {
    return String.join(String.valueOf(RECORD_SEPARATOR), packets);
  }

  /** Splits a long-polling payload into its packets. */
  public static List<String> packets(String payload) {
    return Arrays.asList(payload.split(String.valueOf(RECORD_SEPARATOR), -1));
  }

  /** Waits for a future with this client's timeout, turning failures into {@link AssertionError}s. */
  public <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("request failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The headers of a response, first value of each, names in lower case. */
  public static Map<String, String> headers(HttpResponse<?> response) {
    TreeMap<String, String> out = new TreeMap<>();
    response.headers().map().forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v.get(0)));
    return out;
  }

  private HttpRequest.Builder request(String query, String... headers) {
    return withHeaders(HttpRequest.newBuilder(uri(query)).timeout(timeout), headers);
  }

  private static HttpRequest.Builder withHeaders(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
