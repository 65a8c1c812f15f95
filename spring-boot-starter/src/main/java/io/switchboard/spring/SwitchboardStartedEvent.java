package io.switchboard.spring;

import io.switchboard.server.Server;
import org.springframework.context.ApplicationEvent;

/**
 * Published once the auto-configured server listens: its port is known ({@code switchboard.port=0} picks one).
 *
 * <pre>{@code
 * @EventListener
 * void started(SwitchboardStartedEvent e) {
 *   log.info("Socket.IO on port {}", e.port());
 * }
 * }</pre>
 */
public final class SwitchboardStartedEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  /**
   * Makes the event; the starter publishes it once the server listens.
   *
   * @param server the server that now listens, the event's source
   */
  public SwitchboardStartedEvent(Server server) {
    super(server);
  }

  /** {@return the server that now listens} */
  public Server server() {
    return (Server) getSource();
  }

  /** {@return the port the server listens on, the actual one when {@code switchboard.port=0}} */
  public int port() {
    return server().port();
  }
}
