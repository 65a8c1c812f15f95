package io.switchboard.chat.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the chat's route table: a method, a path ({@code {name}} stands for one path segment), whether it needs
 * a signed-in user, and the handler.
 *
 * <pre>{@code
 * Route.get("/api/rooms/{room}/messages", Route.SIGNED_IN, ex -> ex.reply(chat.history(ex.segment(1), null, 50)...));
 * }</pre>
 */
public record Route(HttpMethod method, String path, boolean signedIn, Handler handler, Pattern pattern) {
  /** Needs a valid token (Authorization bearer, {@code token} cookie or query parameter). */
  public static final boolean SIGNED_IN = true;
  /** Open to anyone. */
  public static final boolean PUBLIC = false;

  /** Serves one request; a {@link io.switchboard.chat.ChatException} it throws is a 400 with its message. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange exchange);
  }

  public static Route get(String path, boolean signedIn, Handler handler) {
    return new Route(HttpMethod.GET, path, signedIn, handler, compile(path));
  }

  public static Route post(String path, boolean signedIn, Handler handler) {
    return new Route(HttpMethod.POST, path, signedIn, handler, compile(path));
  }

  /** The path's matcher, matching or not. */
  public Matcher match(String requestPath) {
    return pattern.matcher(requestPath);
  }

  private static Pattern compile(String path) {
    return Pattern.compile(Pattern.quote(path).replaceAll("\\{[a-z]+\\}", "\\\\E([^/]+)\\\\Q"));
  }
}
