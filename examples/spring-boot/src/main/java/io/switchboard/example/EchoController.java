package io.switchboard.example;

import io.switchboard.server.Socket;
import io.switchboard.spring.OnConnect;
import io.switchboard.spring.OnDisconnect;
import io.switchboard.spring.OnEvent;
import io.switchboard.spring.SocketController;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's events on {@code "/"}: {@code echo(payload, ack)} acknowledges the payload, {@code join(room, ack)}
 * joins a room and acknowledges {@code "ok"}, {@code say(message, ack)} checks the message with Bean Validation and
 * sends it to its room.
 *
 * <pre>{@code
 * socket.emit("echo", {hello: "world"}, (reply) => console.log(reply));   // {hello: "world"}
 * socket.emit("join", "news", (reply) => console.log(reply));             // "ok"
 * }</pre>
 */
@SocketController
public class EchoController {
  private static final Logger log = LoggerFactory.getLogger(EchoController.class);

  /** A chat line: a room and a non-blank text of at most 200 characters. */
  public record Message(@NotBlank String room, @NotBlank @Size(max = 200) String text) {}

  @OnConnect
  void connected(Socket socket) {
    log.info("socket {} connected as {}", socket.id(), socket.data());
  }

  @OnEvent("echo")
  Object echo(Object payload) {
    return payload;
  }

  @OnEvent("join")
  String join(Socket socket, String room) {
    socket.join(room);
    return "ok";
  }

  @OnEvent("say")
  Map<String, Object> say(Socket socket, @Valid Message message) {
    socket.to(message.room()).emit("message", Map.of("from", String.valueOf(socket.data()), "text", message.text()));
    return Map.of("ok", true);
  }

  @OnDisconnect
  void disconnected(Socket socket, String description) {
    log.info("socket {} left: {}", socket.id(), description);
  }
}
