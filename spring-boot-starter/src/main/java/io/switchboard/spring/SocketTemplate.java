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

  public SocketTemplate(Server server) {
    this.server = Objects.requireNonNull(server, "server");
  }

  /** The server underneath. */
  public Server server() {
    return server;
  }

  /** The namespace with this name ({@code "/chat"}), created if needed. */
  public Namespace namespace(String name) {
    return server.of(name);
  }

  /** Emits to every client of the main namespace {@code "/"}; whether anything was sent. */
  public boolean emit(String event, Object... args) {
    return server.emit(event, args);
  }

  /** Emits to the clients in these rooms of {@code "/"} (a socket id is a room of its own). */
  public BroadcastOperator to(String... rooms) {
    return server.to(rooms);
  }

  /** Emits to the clients in these rooms of {@code namespace}. */
  public BroadcastOperator to(String namespace, List<String> rooms) {
    return server.of(namespace).to(rooms.toArray(String[]::new));
  }

  /** Emits to every client of {@code "/"} and collects their acknowledgements (use {@code timeout} first). */
  public CompletionStage<List<Args>> emitWithAck(String event, Object... args) {
    return server.emitWithAck(event, args);
  }
}
