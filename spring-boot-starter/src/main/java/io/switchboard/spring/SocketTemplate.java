package io.switchboard.spring;

import io.switchboard.server.Args;
import io.switchboard.server.BroadcastOperator;
import io.switchboard.server.Namespace;
import io.switchboard.server.Server;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Emits to clients from anywhere in the application (a scheduled job, a REST controller, a message listener): the
 * whole namespace, rooms, one socket (its id is a room).
 *
 * <pre>{@code
 * @Scheduled(fixedRate = 5000)
 * void tick() {
 *   sockets.to("prices").emit("price", quotes.latest());          // room "prices" of "/"
 *   sockets.namespace("/admin").emit("load", load.current());
 * }
 * }</pre>
 *
 * <p>With a Redis adapter configured, emits reach the clients of every server of the cluster.
 */
public final class SocketTemplate {
  private final Server server;

  /**
   * Wraps a server; the starter makes one around the auto-configured server, so applications just inject it.
   *
   * @param server the server to emit through
   * @throws NullPointerException if {@code server} is null
   */
  public SocketTemplate(Server server) {
    this.server = Objects.requireNonNull(server, "server");
  }

  /** {@return the server underneath, for what the template does not cover ({@code server().timeout(..)}, say)} */
  public Server server() {
    return server;
  }

  /**
   * Returns a namespace, to emit to all its clients or pick rooms of it; {@link Server#of(String)}.
   *
   * @param name the namespace's name, such as {@code "/chat"}
   * @return the namespace with this name, created if needed
   */
  public Namespace namespace(String name) {
    return server.of(name);
  }

  /**
   * Emits an event to every client of the main namespace {@code "/"} (of every server, with a Redis adapter), as
   * {@code io.emit(event, ...args)}; {@link Server#emit(String, Object...)}. May be called from any thread.
   *
   * @param event the event name
   * @param args the arguments, converted by the server's Jackson mapper ({@code byte[]} ones go as binary)
   * @return {@code true}, as in the reference server
   */
  public boolean emit(String event, Object... args) {
    return server.emit(event, args);
  }

  /**
   * Picks the clients in any of these rooms of the main namespace {@code "/"}, as {@code io.to(rooms)}; {@link
   * Server#to(String...)}.
   *
   * @param rooms the rooms (a socket id is a room of its own)
   * @return the target, on which {@code emit} (or {@code except}, {@code timeout}, ...) follows
   */
  public BroadcastOperator to(String... rooms) {
    return server.to(rooms);
  }

  /**
   * Picks the clients in any of these rooms of another namespace, as {@code io.of(namespace).to(rooms)}.
   *
   * @param namespace the namespace's name, such as {@code "/chat"}; created if needed
   * @param rooms the rooms (a socket id is a room of its own)
   * @return the target, on which {@code emit} (or {@code except}, {@code timeout}, ...) follows
   */
  public BroadcastOperator to(String namespace, List<String> rooms) {
    return server.of(namespace).to(rooms.toArray(String[]::new));
  }

  /**
   * Emits to every client of {@code "/"} and collects their acknowledgements, as {@code io.emitWithAck}; {@link
   * Server#emitWithAck(String, Object...)}. Without a timeout a client that never answers keeps the stage pending:
   * prefer {@code server().timeout(Duration.ofSeconds(5)).emitWithAck(..)}.
   *
   * @param event the event name
   * @param args the arguments, converted by the server's Jackson mapper
   * @return a stage that completes with every client's answer
   */
  public CompletionStage<List<Args>> emitWithAck(String event, Object... args) {
    return server.emitWithAck(event, args);
  }
}
