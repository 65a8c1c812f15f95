package io.switchboard.example;

import io.switchboard.server.ConnectError;
import io.switchboard.server.Middleware;
import io.switchboard.server.Next;
import io.switchboard.server.Socket;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * A connect middleware: a client must send {@code auth: {token: "<example.token>", user: "<name>"}}; others get a
 * CONNECT_ERROR "unauthorized". The user name becomes the socket's data.
 *
 * <pre>{@code
 * const socket = io("http://localhost:3001", { auth: { token: "let-me-in", user: "ada" } });
 * }</pre>
 */
@Component
@Order(1)
public class TokenMiddleware implements Middleware {
  private final byte[] token;

  public TokenMiddleware(@Value("${example.token}") String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(Socket socket, Next next) {
    Object given = socket.handshake().auth().get("token");
    if (given instanceof String s && MessageDigest.isEqual(token, s.getBytes(StandardCharsets.UTF_8))) {
      Object user = socket.handshake().auth().get("user");
      socket.data(user instanceof String u && !u.isBlank() && u.length() <= 64 ? u : "anonymous");
      next.proceed();
    } else {
      next.fail(new ConnectError("unauthorized"));
    }
  }
}
