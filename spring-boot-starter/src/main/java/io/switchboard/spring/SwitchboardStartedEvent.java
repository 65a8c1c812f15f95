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

  public SwitchboardStartedEvent(Server server) {
    super(server);
  }

  /** The server. */
  public Server server() {
    return (Server) getSource();
  }

  /** The port it listens on. */
  public int port() {
    return server().port();
  }
}
