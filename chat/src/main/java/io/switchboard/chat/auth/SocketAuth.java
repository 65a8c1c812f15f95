package io.switchboard.chat.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.chat.TokenService;
import io.switchboard.server.ConnectError;
import io.switchboard.server.Namespace;
import io.switchboard.server.Socket;
import java.util.Map;
import java.util.Optional;

/**
 * The namespace middleware that lets in only a connection with a valid token in its handshake
 * ({@code io(url, {auth: {token}})}); others get {@code connect_error} "Authentication failed".
 *
 * <pre>{@code
 * new SocketAuth(tokens).install(nsp);
 * Optional<TokenService.Claims> who = SocketAuth.claims(tokens, socket); // again at connection: it may have expired
 * }</pre>
 *
 * <p>The user name is kept as the socket's data, {@code {"username": name}}, which also travels between the nodes of a
 * cluster. The check runs again when a session is recovered, and a recovered session comes back only with a token of
 * the user it belongs to.
 */
public final class SocketAuth {
  private final TokenService tokens;

  public SocketAuth(TokenService tokens) {
    this.tokens = tokens;
  }

  /** Who a socket is, as its data. */
  public static Map<String, Object> identity(String username) {
    return Map.of("username", username);
  }

  /** The user name kept as a socket's data (a map here, a JSON tree when it came from another node). */
  public static String usernameOf(Object data) {
    if (data instanceof Map<?, ?> m && m.get("username") instanceof String s) {
      return s;
    }
    return data instanceof JsonNode n && n.path("username").isTextual() ? n.get("username").asText() : null;
  }

  /** The claims of the token in the socket's handshake, if it is valid now. */
  public static Optional<TokenService.Claims> claims(TokenService tokens, Socket socket) {
    Object token = socket.handshake().auth().get("token");
    return tokens.verify(token instanceof String s ? s : null);
  }

  public void install(Namespace nsp) {
    nsp.use((socket, next) -> {
      Optional<TokenService.Claims> claims = claims(tokens, socket);
      // a recovered session (its rooms are its user's) comes back only with a token of that same user
      if (claims.isEmpty() || (socket.recovered() && !claims.get().username().equals(usernameOf(socket.data())))) {
        next.fail(new ConnectError("Authentication failed"));
        return;
      }
      socket.data(identity(claims.get().username()));
      next.proceed();
    });
  }
}
